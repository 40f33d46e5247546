import { describe, expect, it } from 'vitest';
import { findSharedLine, locateSharedLine } from './prune';

describe('findSharedLine', () => {
  const lines = ['import a;', '  files: filesRouter,', '  <Section>', '    <Panel />', '  </Section>', '  files: filesRouter,'];

  it('finds every occurrence of a whole line, indentation included', () => {
    expect(findSharedLine(lines, '  files: filesRouter,')).toEqual([1, 5]);
    expect(findSharedLine(lines, 'files: filesRouter,')).toEqual([]);
  });

  it('finds a block of consecutive lines only where all of it occurs', () => {
    expect(findSharedLine(lines, '  <Section>\n    <Panel />\n  </Section>')).toEqual([2]);
    expect(findSharedLine(lines, '  <Section>\n  </Section>')).toEqual([]);
  });
});

describe('locateSharedLine', () => {
  const readme = [
    '# App', '', '## Files', 'About uploads.', '', '### Limits', 'Small.', '', '## Webhooks', 'Signed.', '',
    '| defence | files |', '|---|---|', '| Uploads: safe names | `upload.ts` |', '| CSRF: checked | `csrf.ts` |',
    '', '- Uploads are held in memory', '  a few times over.', '- Sessions expire.',
  ];

  it('spans a whole section, nested headings included, for a heading', () => {
    expect(locateSharedLine(readme, { file: 'README.md', readme: '## Files' })).toEqual([{ start: 2, length: 6 }]);
  });

  it('spans one table row for the start of its first cell', () => {
    expect(locateSharedLine(readme, { file: 'README.md', readme: '| Uploads:' })).toEqual([{ start: 13, length: 1 }]);
  });

  it('spans a bullet with its indented continuation lines', () => {
    expect(locateSharedLine(readme, { file: 'README.md', readme: '- Uploads are' })).toEqual([{ start: 16, length: 2 }]);
  });

  it('counts every start that matches, so an ambiguous name is caught', () => {
    expect(locateSharedLine(readme, { file: 'README.md', readme: '| ' })).toHaveLength(3);
  });
});
