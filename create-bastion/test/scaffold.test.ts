// Packs create-bastion and scaffolds the full app and the minimal one (no optional module) the way a
// new user would, then checks each: lint, type-check, unit tests, production build; the minimal one
// also runs its integration and e2e suites. Refusals exit non-zero and leave nothing behind.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeE2ePorts } from '@/test/services';
import { readManifest } from '../src/manifest';
import { parseEncryptionKey } from '@/server/security/encryption';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const manifest = readManifest(join(packageDir, '..'));
const moduleNames = Object.keys(manifest.modules);
const workDir = mkdtempSync(join(tmpdir(), 'create-bastion-'));
let tarball = '';

type Run = { status: number | null; output: string };

// The scaffold's own tools run as a user would start them, without this test runner's variables.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITEST|NODE_ENV$)/.test(name)));

function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}): Run {
  const options = { cwd, env: { ...userEnv, ...env } as NodeJS.ProcessEnv, encoding: 'utf8' as const, maxBuffer: 2 ** 26 };
  const result = spawnSync(command, args, options);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectSuccess({ status, output }: Run): void {
  expect(status, output.slice(-4000)).toBe(0);
}

/** The SQL names of the tables a module's db/tables/ files declare, read from this repository. */
function tableNamesIn(paths: readonly string[]): string[] {
  return paths.filter((path) => path.startsWith('db/tables/')).flatMap((path) => {
    const source = readFileSync(join(packageDir, '..', path), 'utf8');
    return [...source.matchAll(/pgTable\(\s*'(\w+)'/g)].map((match) => match[1] ?? '');
  });
}

const createBastion = (args: string[]) =>
  run(workDir, 'npx', ['--yes', `--package=${tarball}`, 'create-bastion', ...args]);

beforeAll(() => {
  const packed = run(packageDir, 'npm', ['pack', '--pack-destination', workDir]);
  expectSuccess(packed);
  const name = readdirSync(workDir).find((entry) => entry.endsWith('.tgz'));
  tarball = join(workDir, name ?? 'missing.tgz');
}, 300_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('create-bastion refusals', () => {
  it('refuses a directory that is not empty and leaves what is in it alone', () => {
    const target = join(workDir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');
    const refused = createBastion([target, '--no-install', '--no-git']);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain('is not empty');
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('refuses a name npm would not accept and writes nothing', () => {
    const refused = createBastion(['Bad Name', '--no-install', '--no-git']);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain('cannot be an npm package name');
    expect(existsSync(join(workDir, 'Bad Name'))).toBe(false);
  });

  it('refuses passkeys without two-factor, which they need', () => {
    const refused = createBastion(['needs', '--modules=passkeys', '--no-install', '--no-git']);
    expect(refused.status).toBe(2);
    expect(refused.output).toContain('passkeys module needs two-factor');
    expect(existsSync(join(workDir, 'needs'))).toBe(false);
  });

  it('removes the half-written project when interrupted during npm install', async () => {
    const target = join(workDir, 'interrupted');
    const cli = spawn('node', [join(packageDir, 'dist/cli.js'), target, '--modules=', '--install', '--no-git'], {
      cwd: workDir, env: userEnv as NodeJS.ProcessEnv, stdio: 'ignore',
    });
    let running = true;
    const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve)).finally(() => (running = false));
    while (running && !existsSync(join(target, 'node_modules'))) await sleep(100);
    cli.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(existsSync(target)).toBe(false);
  }, 300_000);

  it('refuses an unknown flag with its usage error', () => {
    const refused = createBastion(['typo', '--no-instal']);
    expect(refused.status).toBe(2);
    expect(existsSync(join(workDir, 'typo'))).toBe(false);
  });
});

const variants: { variant: string; flags: string[]; kept: string[] }[] = [
  { variant: 'full', flags: [], kept: moduleNames },
  { variant: 'minimal', flags: ['--modules='], kept: [] },
];

describe.each(variants)('the $variant scaffold', ({ variant, flags, kept }) => {
  const projectDir = join(workDir, `${variant}-app`);
  const inProject = (command: string, args: string[], env: Record<string, string> = {}) =>
    run(projectDir, command, args, env);
  const leftOut = Object.entries(manifest.modules).filter(([name]) => !kept.includes(name));

  beforeAll(() => expectSuccess(createBastion([projectDir, ...flags, '--no-git'])), 600_000);

  it('carries its own package name, fresh secrets and one initial migration', () => {
    const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe(`${variant}-app`);
    const env = readFileSync(join(projectDir, '.env.development.local'), 'utf8');
    const secret = /^SESSION_SECRET=(.+)$/m.exec(env)?.[1] ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(parseEncryptionKey(/^ENCRYPTION_KEY=(.+)$/m.exec(env)?.[1] ?? '')).toHaveLength(32);
    expect(readFileSync(join(projectDir, '.gitignore'), 'utf8')).toMatch(/^\.env\.\*$/m);
    const migrations = readdirSync(join(projectDir, 'db/migrations')).filter((name) => name.endsWith('.sql'));
    expect(migrations).toEqual(['0000_init.sql']);
  });

  it('creates no table of a module it left out', () => {
    const migration = readFileSync(join(projectDir, 'db/migrations/0000_init.sql'), 'utf8');
    const tables = [...migration.matchAll(/CREATE TABLE "(\w+)"/g)].map((match) => match[1]);
    for (const [name, entry] of Object.entries(manifest.modules)) {
      const own = tableNamesIn(entry.paths);
      expect(own.length, name).toBeGreaterThan(0);
      for (const table of own) expect(tables.includes(table), table).toBe(kept.includes(name));
    }
  });

  it('mentions no file or package of a module it left out, nor create-bastion', () => {
    const markers = [...leftOut.flatMap(([, entry]) => [...entry.paths, ...entry.packages]), 'create-bastion', 'modules.json'];
    const excluded = ['--exclude-dir=node_modules', '--exclude-dir=.next', '--exclude=package-lock.json'];
    const found = inProject('grep', ['-rnF', ...excluded, ...markers.flatMap((marker) => ['-e', marker]), '.']);
    expect(found.output).toBe('');
  });

  it('passes its lint', () => expectSuccess(inProject('npx', ['eslint', '.'])), 600_000);
  it('type-checks', () => expectSuccess(inProject('npx', ['tsc', '--noEmit'])), 600_000);
  it('passes its unit tests', () => expectSuccess(inProject('npx', ['vitest', 'run', '--project', 'unit'])), 600_000);
  it('builds for production', () => expectSuccess(inProject('npx', ['next', 'build'], { NODE_ENV: 'production' })), 900_000);

  if (variant !== 'minimal') return;

  it('passes its integration tests', () => {
    expectSuccess(inProject('npx', ['vitest', 'run', '--project', 'integration']));
  }, 1_800_000);

  it('passes its e2e demos', async () => {
    expectSuccess(inProject('npx', ['playwright', 'test'], await freeE2ePorts()));
  }, 1_800_000);
});
