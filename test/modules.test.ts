// modules.json against the code: a module's files exist, its shared lines occur once where listed,
// its packages are its own, and nothing outside the module imports its files except through those lines.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findImports, resolveImport } from '@/create-bastion/src/imports';
import { readManifest, type SharedLine } from '@/create-bastion/src/manifest';
import { pinnedVersions } from '@/create-bastion/src/primitives';
import { locateSharedLine } from '@/create-bastion/src/prune';
import { isExcluded } from '@/create-bastion/src/template-files';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = readManifest(root);
const modules = Object.entries(manifest.modules);

/** The template's source files (what a scaffold starts from), each read once. */
function sourceFiles(dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (isExcluded(relative(root, path))) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mjs)$/.test(name) ? [relative(root, path)] : [];
  });
}

const sources = new Map(sourceFiles().map((file) => [file, readFileSync(join(root, file), 'utf8')]));
const files = [...sources.keys()];
const sourceOf = (file: string) => sources.get(file) ?? '';

/** A file's text: from `sources` for source files, else read (the README, JSON). */
const textOf = (path: string) => sources.get(path) ?? readFileSync(join(root, path), 'utf8');

/** The whole line of `text` that holds offset `at`. */
function lineAt(text: string, at: number): string {
  const end = text.indexOf('\n', at);
  return text.slice(text.lastIndexOf('\n', at) + 1, end === -1 ? text.length : end);
}

const resolvedImports = new Map<string, { line: string; target: string }[]>();

/** Each in-house import of a file, with the line that holds its specifier, as a repository path (resolved once). */
function importsOf(file: string): { line: string; target: string }[] {
  const known = resolvedImports.get(file);
  if (known) return known;
  const text = sourceOf(file);
  const found = findImports(text).flatMap(({ specifier, start }) => {
    const target = resolveImport(specifier, join(root, file), root);
    return target.kind === 'local' ? [{ line: lineAt(text, start), target: relative(root, target.path) }] : [];
  });
  resolvedImports.set(file, found);
  return found;
}

/** The names a file imports from the schema index (db/schema.ts re-exports every table file). */
function schemaNamesImportedBy(file: string): string[] {
  return [...sourceOf(file).matchAll(/import (?:type )?\{([^}]*)\} from '@\/db\/schema'/g)]
    .flatMap((match) => (match[1] ?? '').split(',').map((name) => name.replace(/^\s*type /, '').trim()));
}

/** What a module's table files export: its tables, enums and types. */
function tableNamesOf(paths: readonly string[]): string[] {
  return paths.filter((path) => path.startsWith('db/tables/')).flatMap((path) =>
    [...textOf(path).matchAll(/^export (?:const|type) (\w+)/gm)].map((match) => match[1] ?? ''));
}

const owns = (paths: readonly string[], target: string) =>
  paths.some((path) => target === path || target.startsWith(`${path}/`) || target.replace(/\.(tsx?|js)$/, '') === path.replace(/\.(tsx?|js)$/, ''));

const declaredPackages = pinnedVersions(root);

/** The files outside module `name` and outside the modules that require it. */
function filesOutside(name: string, paths: readonly string[]): string[] {
  const dependents = modules.filter(([, other]) => other.requires.includes(name)).flatMap(([, other]) => other.paths);
  return files.filter((file) => !owns([...paths, ...dependents], file));
}

const occurrences = (shared: SharedLine) => (existsSync(join(root, shared.file))
  ? locateSharedLine(textOf(shared.file).split('\n'), shared).length
  : 0);

describe('modules.json', () => {
  it.each(modules)('lists only files that exist for %s', (_name, entry) => {
    expect(entry.paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it.each(modules)('lists shared lines of %s that occur exactly once in their file', (_name, entry) => {
    const counts = entry.lines.map((shared) => ({ ...shared, count: occurrences(shared) }));
    expect(counts.filter(({ count }) => count !== 1)).toEqual([]);
  });

  it('lists repository-only lines that occur exactly once in their file', () => {
    const counts = manifest.repositoryOnly.lines.map((shared) => ({ ...shared, count: occurrences(shared) }));
    expect(counts.filter(({ count }) => count !== 1)).toEqual([]);
  });

  it.each(modules)('names modules that exist as what %s requires', (_name, entry) => {
    expect(entry.requires.filter((required) => !manifest.modules[required])).toEqual([]);
  });

  it.each(modules)('lists packages of %s that are dependencies and used nowhere else', (_name, entry) => {
    expect(entry.packages.filter((name) => !declaredPackages.has(name))).toEqual([]);
    const outside = files.filter((file) => !owns(entry.paths, file))
      .filter((file) => entry.packages.some((name) => sourceOf(file).includes(`from '${name}`)));
    expect(outside).toEqual([]);
  });

  it.each(modules)('finds no import of %s from outside it except on its listed lines', (name, entry) => {
    const listed = new Set(entry.lines.flatMap((shared) => ('text' in shared ? [`${shared.file}\n${shared.text}`] : [])));
    const stray = filesOutside(name, entry.paths).flatMap((file) =>
      importsOf(file)
        .filter(({ line, target }) => owns(entry.paths, target) && !listed.has(`${file}\n${line}`))
        .map(({ line }) => `${file}: ${line.trim()}`));
    expect(stray).toEqual([]);
  });

  it.each(modules)('finds no use of the tables of %s from outside it', (name, entry) => {
    const tables = tableNamesOf(entry.paths);
    const stray = filesOutside(name, entry.paths).flatMap((file) =>
      schemaNamesImportedBy(file).filter((imported) => tables.includes(imported)).map((table) => `${file}: ${table}`));
    expect(tables.length).toBeGreaterThan(0);
    expect(stray).toEqual([]);
  });
});
