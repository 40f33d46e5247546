// `create-bastion copy`, end to end: every defence copied alone, with its unit tests, into an empty
// TypeScript project whose node_modules holds only the packages it declares (linked from this
// repository's, so a package it imports without declaring cannot be found), where strict tsc and
// its copied tests must pass; and the refusals and output of the command itself.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConcurrencyGate } from '../server/security/concurrency-gate';
import { runCopy } from './src/copy.js';
import { expandDeclaration, loadManifest, type PrimitiveDeclaration, SECURITY_DIR } from './src/primitives.js';

const root = join(import.meta.dirname, '..');
const manifest = loadManifest(root);
const TOOLING = ['typescript', 'vitest', '@types/node'];
const TARGET = 'src/lib/security';
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'esnext',
    moduleResolution: 'bundler',
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['src'],
};
// Each project type-checks and tests alone; two at a time keep two cores busy without thrashing.
const gate = new ConcurrencyGate({ maxConcurrent: 2, maxWaitMs: 300_000, maxWaiting: 100 });
const SLOW = 180_000;

type Outcome = { code: number; output: string };

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'bastion-copy-'));
  // Node looks for packages in every parent folder: one there would make undeclared imports resolve.
  for (let folder = workspace; folder !== parse(folder).root; folder = dirname(folder)) {
    expect(existsSync(join(dirname(folder), 'node_modules')), dirname(folder)).toBe(false);
  }
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Runs a Node script to its end, whatever its exit code, with the nesting vitest's variables removed. */
function runNode(args: string[], cwd: string): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

async function linkPackage(project: string, name: string): Promise<void> {
  const link = join(project, 'node_modules', name);
  await mkdir(dirname(link), { recursive: true });
  await symlink(join(root, 'node_modules', name), link, 'dir');
}

/** An empty project with only `packages` (and the compiler and test runner) in its node_modules. */
async function emptyProject(name: string, packages: readonly string[]): Promise<string> {
  const project = await mkdtemp(join(workspace, `${name}-`));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  for (const dependency of new Set([...TOOLING, ...packages])) await linkPackage(project, dependency);
  return project;
}

const typeCheck = (project: string) => runNode([join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project);
const unitTests = (project: string) => runNode([join(project, 'node_modules/vitest/vitest.mjs'), 'run'], project);

async function copyInto(project: string, name: string, templateDir = root): Promise<number> {
  return runCopy([name, '--with-tests', '--to', join(project, TARGET)], templateDir);
}

const declared = (name: string): PrimitiveDeclaration => expandDeclaration(manifest, name)!;
const allPackages = (primitive: PrimitiveDeclaration) => [...primitive.packages, ...primitive.testPackages];

describe('every defence copied alone into an empty project', () => {
  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it.concurrent.each(Object.keys(manifest))('%s type-checks strictly and passes its copied unit tests', async (name) => {
    const primitive = declared(name);
    await gate.run(async () => {
      const project = await emptyProject(name, allPackages(primitive));
      expect(await copyInto(project, name)).toBe(0);
      const checked = await typeCheck(project);
      expect(checked.code, checked.output).toBe(0);
      const tested = await unitTests(project);
      expect(tested.code, tested.output).toBe(0);
      const files = primitive.tests.length;
      expect(tested.output).toMatch(new RegExp(`Test Files\\s+${files} passed \\(${files}\\)`));
    });
  }, SLOW);

  it.concurrent('a copy missing a declared package fails to type-check', async () => {
    const primitive = declared('ssrf');
    await gate.run(async () => {
      const project = await emptyProject('ssrf-no-undici', allPackages(primitive).filter((name) => name !== 'undici'));
      expect(await copyInto(project, 'ssrf')).toBe(0);
      const checked = await typeCheck(project);
      expect(checked.code).not.toBe(0);
      expect(checked.output).toContain('Cannot find module \'undici\'');
    });
  }, SLOW);

  it.concurrent('a copy missing a companion fails to type-check, and copy refuses a declaration without it', async () => {
    const primitive = declared('ssrf');
    const template = await templateWithout('ssrf', 'outbound-dns.ts');
    await gate.run(async () => {
      const refused = await emptyProject('ssrf-refused', allPackages(primitive));
      expect(await copyInto(refused, 'ssrf', template)).toBe(1);
      expect(existsSync(join(refused, TARGET))).toBe(false);

      const project = await emptyProject('ssrf-no-companion', allPackages(primitive));
      expect(await copyInto(project, 'ssrf')).toBe(0);
      await unlink(join(project, TARGET, 'outbound-dns.ts'));
      const checked = await typeCheck(project);
      expect(checked.code).not.toBe(0);
      expect(checked.output).toContain('Cannot find module \'./outbound-dns\'');
    });
  }, SLOW);
});

/** A template tree like this repository's whose declaration of `name` leaves `companion` out. */
async function templateWithout(name: string, companion: string): Promise<string> {
  const template = await mkdtemp(join(workspace, 'template-'));
  for (const entry of ['package.json', 'README.md', 'test']) await symlink(join(root, entry), join(template, entry));
  const security = join(template, SECURITY_DIR);
  await mkdir(security, { recursive: true });
  for (const file of await readdir(join(root, SECURITY_DIR))) {
    if (file !== 'primitives.json') await symlink(join(root, SECURITY_DIR, file), join(security, file));
  }
  const json = JSON.parse(await readFile(join(root, SECURITY_DIR, 'primitives.json'), 'utf8')) as {
    primitives: Record<string, PrimitiveDeclaration>;
  };
  const primitive = json.primitives[name]!;
  primitive.companions = primitive.companions.filter((file) => file !== companion);
  await writeFile(join(security, 'primitives.json'), JSON.stringify(json));
  return template;
}

describe('the copy command', () => {
  let printed: string[];
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(workspace, 'command-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function capture() {
    printed = [];
    const record = (...parts: unknown[]) => {
      printed.push(parts.join(' '));
    };
    vi.spyOn(console, 'log').mockImplementation(record);
    vi.spyOn(console, 'error').mockImplementation(record);
  }
  const output = () => printed.join('\n');

  it('lists every defence with its one-line summary', async () => {
    capture();
    expect(await runCopy(['--list'], root)).toBe(0);
    const lines = output().split('\n').map((line) => line.trim());
    for (const [name, { summary }] of Object.entries(manifest)) {
      expect(lines.some((line) => line.startsWith(`${name} `) && line.endsWith(summary)), name).toBe(true);
    }
  });

  it('answers an unknown defence with the list of defences and exit code 1', async () => {
    capture();
    expect(await runCopy(['../../etc/passwd', '--to', folder], root)).toBe(1);
    expect(output()).toContain('Unknown defence "../../etc/passwd"');
    expect(output()).toContain('ssrf');
    expect(await readdir(folder)).toEqual([]);
  });

  it('refuses an unknown option and a second defence with the usage, writing nothing', async () => {
    capture();
    expect(await runCopy(['csrf', '--overwrite', '--to', folder], root)).toBe(1);
    expect(await runCopy(['csrf', 'ssrf', '--to', folder], root)).toBe(1);
    expect(output()).toContain('Usage: create-bastion copy');
    expect(await readdir(folder)).toEqual([]);
  });

  it('prints the npm install line at the pinned versions and the README text of the defence', async () => {
    capture();
    const target = join(folder, 'ssrf');
    expect(await runCopy(['ssrf', '--to', target], root)).toBe(0);
    expect(output()).toContain('npm install --save-exact ipaddr.js@2.5.0 undici@7.30.2');
    expect(output()).toContain('`safeFetch` passes on request headers the caller gives');
    expect((await readdir(target)).sort()).toEqual(['errors.ts', 'outbound-dns.ts', 'ssrf.ts']);
  });

  it('refuses to overwrite a changed file without --force, writing nothing, and overwrites with it', async () => {
    capture();
    const target = join(folder, 'throttle');
    expect(await runCopy(['throttle', '--to', target], root)).toBe(0);
    const mine = '// my own errors\n';
    await writeFile(join(target, 'errors.ts'), mine);
    await unlink(join(target, 'throttle.ts'));

    expect(await runCopy(['throttle', '--to', target], root)).toBe(1);
    expect(output()).toContain(join(target, 'errors.ts'));
    expect(await readFile(join(target, 'errors.ts'), 'utf8')).toBe(mine);
    expect(existsSync(join(target, 'throttle.ts'))).toBe(false);

    expect(await runCopy(['throttle', '--to', target, '--force'], root)).toBe(0);
    expect(await readFile(join(target, 'errors.ts'), 'utf8'))
      .toBe(await readFile(join(root, SECURITY_DIR, 'errors.ts'), 'utf8'));
  });

  it('leaves identical files alone, so two defences can share a folder', async () => {
    capture();
    const target = join(folder, 'shared');
    expect(await runCopy(['throttle', '--to', target], root)).toBe(0);
    expect(await runCopy(['throttle-postgres', '--to', target], root)).toBe(0);
    expect(output()).toMatch(/Already there and identical: .*\berrors\.ts/);
    expect(await readdir(target)).toContain('throttle-postgres.ts');
  });
});
