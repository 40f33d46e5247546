// Checks server/security/primitives.json against what the files really import: a companion or
// package missing from a declaration (the copy would not compile) or listed without need fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findImports, resolveImport } from './imports.js';
import {
  expandDeclaration, loadManifest, pinnedVersions, type PrimitiveDeclaration, SECURITY_DIR, TEST_RUNNER,
} from './primitives.js';
import { findReference, readmeExcerpt } from './readme-excerpts.js';

const root = join(import.meta.dirname, '../..');
const securityDir = join(root, SECURITY_DIR);
const manifest = loadManifest(root);

type FileImports = { locals: string[]; packages: string[] };

function importsOf(path: string): FileImports {
  const targets = findImports(readFileSync(path, 'utf8')).map(({ specifier }) => resolveImport(specifier, path, root));
  return {
    locals: targets.flatMap((target) => (target.kind === 'local' ? [target.path] : [])),
    packages: targets.flatMap((target) => (target.kind === 'package' ? [target.name] : [])),
  };
}

/** The files `starts` import, transitively (the starts included), and the packages they all import. */
function closure(starts: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...starts];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const { locals, packages: imported } = importsOf(file);
    for (const name of imported) packages.add(name);
    pending.push(...locals);
  }
  return { files, packages };
}

const inSecurity = (path: string) => join(securityDir, path);
const declared = (paths: string[]) => new Set(paths.map(inSecurity));
const named = (paths: Iterable<string>) => [...paths].map((path) => relative(securityDir, path)).sort();
const without = <T>(all: Set<T>, ...left: Iterable<T>[]) => {
  const gone = new Set(left.flatMap((items) => [...items]));
  return new Set([...all].filter((item) => !gone.has(item)));
};

function differences(what: string, actual: Iterable<string>, listed: Iterable<string>): string[] {
  const need = new Set(actual);
  const have = new Set(listed);
  return [
    ...[...need].filter((item) => !have.has(item)).map((item) => `${what}: ${item} is needed but not declared`),
    ...[...have].filter((item) => !need.has(item)).map((item) => `${what}: ${item} is declared but not needed`),
  ];
}

/** Every way `primitive` differs from what its files import; empty when the declaration is complete and exact. */
function declarationProblems(primitive: PrimitiveDeclaration): string[] {
  const main = closure([inSecurity(primitive.file)]);
  const mainFiles = [...declared([primitive.file, ...primitive.companions])];
  const tests = closure([...declared(primitive.tests)]);
  const testFiles = without(tests.files, main.files, declared(primitive.tests));
  const unimported = primitive.tests.filter((test) => !importsOf(inSecurity(test)).locals.some(
    (path) => mainFiles.includes(path),
  ));
  return [
    ...differences('companions', named(without(main.files, [inSecurity(primitive.file)])), primitive.companions),
    ...differences('packages', main.packages, primitive.packages),
    ...differences('testCompanions', named(testFiles), primitive.testCompanions),
    ...differences('testPackages', without(tests.packages, main.packages, [TEST_RUNNER]), primitive.testPackages),
    ...unimported.map((test) => `tests: ${test} tests none of the copied files`),
  ];
}

const sourceFiles = readdirSync(securityDir).filter((name) => name.endsWith('.ts'));
const primitiveFiles = sourceFiles.filter((name) => !name.endsWith('.test.ts'));
const unitTests = sourceFiles.filter((name) => name.endsWith('.test.ts') && !name.endsWith('.int.test.ts'));

describe('server/security/primitives.json', () => {
  it.each(Object.entries(manifest))('declares exactly the companions and packages %s imports', (_name, primitive) => {
    expect(declarationProblems(primitive)).toEqual([]);
  });

  it('reports a companion left out and a package listed without need', () => {
    const throttle = manifest.throttle!;
    const broken = { ...throttle, companions: throttle.companions.filter((file) => file !== 'errors.ts') };
    expect(declarationProblems(broken)).toContain('companions: errors.ts is needed but not declared');
    expect(declarationProblems({ ...throttle, packages: [...throttle.packages, 'undici'] }))
      .toContain('packages: undici is declared but not needed');
    expect(declarationProblems({ ...throttle, testCompanions: [] }))
      .toContain('testCompanions: throttle-memory.ts is needed but not declared');
  });

  it('declares every primitive file and every unit test of server/security', () => {
    const all = Object.values(manifest);
    const covered = new Set(all.flatMap((primitive) => [
      primitive.file, ...primitive.companions, ...primitive.testCompanions,
    ]));
    const tested = new Set(all.flatMap((primitive) => primitive.tests));
    expect(primitiveFiles.filter((name) => !covered.has(name))).toEqual([]);
    expect(unitTests.filter((name) => !tested.has(name))).toEqual([]);
    for (const test of tested) expect(unitTests).toContain(test);
  });

  it('pins every declared package to one exact version in package.json', () => {
    const versions = pinnedVersions(root);
    const packages = Object.values(manifest).flatMap((primitive) => [...primitive.packages, ...primitive.testPackages]);
    for (const name of [...packages, TEST_RUNNER]) expect(versions.get(name), name).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('copies no two files to the same name, the defences it uses included', () => {
    for (const name of Object.keys(manifest)) {
      const primitive = expandDeclaration(manifest, name)!;
      const files = new Set([primitive.file, ...primitive.companions, ...primitive.tests, ...primitive.testCompanions]);
      expect(new Set([...files].map((file) => basename(file))).size, name).toBe(files.size);
    }
  });

  const readmeLines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');

  it('points every README reference at exactly one line of README.md', () => {
    for (const reference of Object.values(manifest).flatMap((primitive) => primitive.readme)) {
      expect(findReference(readmeLines, reference), reference).toHaveLength(1);
    }
  });

  it('lists every defence in README.md with its summary', () => {
    const section = readmeExcerpt(readmeLines, '## Copying one defence') ?? '';
    const listed = section.split('\n').filter((line) => /^\| `[a-z-]+` \| /.test(line));
    const declared = Object.entries(manifest).map(([name, { summary }]) => `| \`${name}\` | ${summary} |`);
    expect(listed).toEqual(declared);
  });
});

describe('the import parser', () => {
  const declaredElsewhere = Object.values(manifest).flatMap((primitive) => primitive.testCompanions.map(inSecurity));
  const files = [...sourceFiles.map(inSecurity), ...declaredElsewhere].filter((path) => existsSync(path));

  it.each(files.map((path) => [relative(root, path), path]))('finds the imports TypeScript finds in %s', (_name, path) => {
    const source = readFileSync(path, 'utf8');
    const typescript = ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
    expect(findImports(source).map((found) => found.specifier).sort()).toEqual(typescript.sort());
  });
});
