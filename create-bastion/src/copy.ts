// `create-bastion copy <defence>`: one primitive of server/security/ with the companions it declares
// (and, with --with-tests, its unit tests) into an existing app's folder, its local imports rewritten
// for the new place; then the npm packages to add and the README text that explains its use.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { findImports, resolveImport } from './imports.js';
import {
  expandDeclaration, installCommand, loadManifest, pinnedVersions, type PrimitiveDeclaration, type PrimitiveManifest,
  SECURITY_DIR, TEST_RUNNER,
} from './primitives.js';
import { readmeExcerpt } from './readme-excerpts.js';

export const COPY_USAGE = 'create-bastion copy <defence> [--to <dir>] [--with-tests] [--force]';
const USAGE = [
  `Usage: ${COPY_USAGE}`,
  '       create-bastion copy --list',
].join('\n');
const DEFAULT_TARGET = 'src/lib/security';

type CopyOptions = { defence: string | undefined; to: string; withTests: boolean; force: boolean; list: boolean };
type PlannedFile = { source: string; destination: string; content: string };

/** A refusal whose message is the whole story for the person at the terminal. */
class CopyError extends Error {}

function parseCopyArgs(args: string[]): CopyOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'to': { type: 'string', default: DEFAULT_TARGET },
      'with-tests': { type: 'boolean', default: false },
      'force': { type: 'boolean', default: false },
      'list': { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new CopyError(`One defence at a time (got ${positionals.join(', ')}).`);
  return {
    defence: positionals[0],
    to: values.to,
    withTests: values['with-tests'],
    force: values.force,
    list: values.list,
  };
}

function listing(manifest: PrimitiveManifest): string {
  const width = Math.max(...Object.keys(manifest).map((name) => name.length));
  return Object.entries(manifest).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`).join('\n');
}

/** The import of `to` as written in `from`, both copied files. */
function localSpecifier(from: string, to: string): string {
  const path = relative(dirname(from), to).replace(/\.tsx?$/, '').split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function rewriteImports(source: string, destination: string, destinations: Map<string, string>, root: string) {
  const content = readFileSync(source, 'utf8');
  let rewritten = '';
  let copiedUpTo = 0;
  for (const { specifier, start, end } of findImports(content)) {
    const target = resolveImport(specifier, source, root);
    if (target.kind !== 'local') continue;
    const copied = destinations.get(target.path);
    if (copied === undefined) {
      throw new CopyError(`${relative(root, source)} imports ${specifier}, which its declaration does not list.`);
    }
    rewritten += content.slice(copiedUpTo, start) + localSpecifier(destination, copied);
    copiedUpTo = end;
  }
  return rewritten + content.slice(copiedUpTo);
}

function planCopy(primitive: PrimitiveDeclaration, options: CopyOptions, templateDir: string): PlannedFile[] {
  const tests = options.withTests ? [...primitive.tests, ...primitive.testCompanions] : [];
  const files = [...new Set([primitive.file, ...primitive.companions, ...tests])];
  const destinations = new Map(files.map((file) => [
    join(templateDir, SECURITY_DIR, file),
    resolve(options.to, basename(file)),
  ]));
  return [...destinations].map(([source, destination]) => ({
    source,
    destination,
    content: rewriteImports(source, destination, destinations, templateDir),
  }));
}

const unchanged = (file: PlannedFile) =>
  existsSync(file.destination) && readFileSync(file.destination, 'utf8') === file.content;

function writePlan(plan: PlannedFile[], force: boolean): { written: PlannedFile[]; kept: PlannedFile[] } {
  const kept = plan.filter(unchanged);
  const written = plan.filter((file) => !kept.includes(file));
  const clashes = written.filter((file) => existsSync(file.destination));
  if (clashes.length > 0 && !force) {
    const names = clashes.map((file) => `  ${file.destination}`).join('\n');
    throw new CopyError(`These files exist and differ from the copy (--force overwrites them):\n${names}`);
  }
  for (const file of written) {
    mkdirSync(dirname(file.destination), { recursive: true });
    writeFileSync(file.destination, file.content);
  }
  return { written, kept };
}

function report(name: string, primitive: PrimitiveDeclaration, options: CopyOptions, templateDir: string): string {
  const versions = pinnedVersions(templateDir);
  const testPackages = [TEST_RUNNER, ...primitive.testPackages];
  const readme = readFileSync(join(templateDir, 'README.md'), 'utf8').split('\n');
  const excerpts = primitive.readme.map((reference) => readmeExcerpt(readme, reference) ?? reference);
  return [
    primitive.packages.length > 0
      ? `Add its packages:\n  ${installCommand(primitive.packages, versions)}`
      : 'It needs no npm package.',
    ...(options.withTests ? [`Its tests need:\n  ${installCommand(testPackages, versions, true)}`] : []),
    'It uses node:* modules: a TypeScript project needs @types/node.',
    '',
    `What Bastion's README says about ${name}:`,
    '',
    ...excerpts,
  ].join('\n');
}

function copyDefence(options: CopyOptions, manifest: PrimitiveManifest, templateDir: string): number {
  const name = options.defence ?? '';
  const primitive = expandDeclaration(manifest, name);
  if (primitive === undefined) {
    console.error(`Unknown defence "${name}". Available defences:\n${listing(manifest)}`);
    return 1;
  }
  const { written, kept } = writePlan(planCopy(primitive, options, templateDir), options.force);
  const names = (files: PlannedFile[]) => files.map((file) => basename(file.destination)).join(', ');
  console.log(`Copied ${name} into ${resolve(options.to)}: ${names(written) || 'nothing new'}`);
  if (kept.length > 0) console.log(`Already there and identical: ${names(kept)}`);
  console.log(report(name, primitive, options, templateDir));
  return 0;
}

/** Runs `copy` with the arguments after it; `templateDir` is the root of a Bastion tree. */
export async function runCopy(args: string[], templateDir: string): Promise<number> {
  try {
    const options = parseCopyArgs(args);
    const manifest = loadManifest(templateDir);
    if (options.list) {
      console.log(`Defences (create-bastion copy <defence>):\n${listing(manifest)}`);
      return 0;
    }
    if (options.defence === undefined) {
      console.error(`${USAGE}\n\nDefences:\n${listing(manifest)}`);
      return 1;
    }
    return copyDefence(options, manifest, templateDir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof CopyError ? message : `copy failed: ${message}\n${USAGE}`);
    return 1;
  }
}
