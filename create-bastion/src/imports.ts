// The module specifiers a TypeScript file imports or re-exports (static, type-only and dynamic
// imports), with their positions, and what each one names: a Node built-in, an npm package or a
// file of the repository. `copy` rewrites local specifiers with it; a test checks each security
// primitive's declared companions against the import graph it yields.
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export type ImportSpecifier = { specifier: string; start: number; end: number };
export type ImportTarget =
  | { kind: 'builtin' }
  | { kind: 'package'; name: string }
  | { kind: 'local'; path: string };

/** Static imports and re-exports, side-effect imports, dynamic imports; group 2 is the specifier. */
const SPECIFIERS = [
  /^[ \t]*(?:import|export)\b[^'";]*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
  /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm,
  /\bimport\(\s*(['"])([^'"\n]+)\1/g,
];
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '/index.ts'];
/** The project alias of tsconfig's `paths` (`@/…` is the repository root). */
const ROOT_ALIAS = '@/';

/** Every specifier in `source`, in order, with the offsets of its text (quotes excluded). */
export function findImports(source: string): ImportSpecifier[] {
  const matches = SPECIFIERS.flatMap((pattern) => [...source.matchAll(pattern)]);
  return matches.map((match) => {
    const specifier = match[2] ?? '';
    const start = match.index + match[0].length - specifier.length - 1;
    return { specifier, start, end: start + specifier.length };
  }).sort((a, b) => a.start - b.start);
}

/** What `specifier`, imported by the file `importer`, names; `root` is the repository root. */
export function resolveImport(specifier: string, importer: string, root: string): ImportTarget {
  if (isBuiltin(specifier)) return { kind: 'builtin' };
  if (specifier.startsWith('.')) return { kind: 'local', path: sourceFile(resolve(dirname(importer), specifier)) };
  if (specifier.startsWith(ROOT_ALIAS)) return { kind: 'local', path: sourceFile(join(root, specifier.slice(2))) };
  const [first = '', second = ''] = specifier.split('/');
  return { kind: 'package', name: first.startsWith('@') ? `${first}/${second}` : first };
}

/** The TypeScript file a path without extension (or with a `.js` one) stands for. */
function sourceFile(path: string): string {
  if (path.endsWith('.ts') || path.endsWith('.tsx')) return path;
  const base = path.endsWith('.js') ? path.slice(0, -3) : path;
  const found = SOURCE_EXTENSIONS.map((extension) => base + extension).find((candidate) => existsSync(candidate));
  return found ?? `${base}.ts`;
}
