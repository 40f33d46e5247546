import { describe, expect, it } from 'vitest';
import { findSharedLine } from './prune';

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
