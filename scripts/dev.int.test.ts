// `npm run dev` with its embedded Postgres (PGlite), stopped the way a developer stops it: Ctrl-C
// sends SIGINT to the whole process group. The command npm runs must exit 0 within a bound, and the
// data directory must hold what was written, for the next start and for PGlite itself. npm itself
// is left out: it reports any SIGINT it received as its own death by that signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import packageJson from '@/package.json';
import { afterAll, expect, it } from 'vitest';
import { TestClient } from '@/test/client';
import { uniqueEmail } from '@/test/db';
import { findFreePort } from '@/test/services';

const root = join(import.meta.dirname, '..');
const [command = '', ...args] = packageJson.scripts.dev.split(' ');
// A cold start initialises PGlite, migrates and compiles in development mode: about a minute on
// two busy cores, so the bounds are wide; the exit bound is the grace period plus a margin.
const START_BOUND_MS = 180_000;
const SHUTDOWN_GRACE_MS = 5_000;
const EXIT_BOUND_MS = SHUTDOWN_GRACE_MS + 5_000;

type DevServer = { origin: string; child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null }> };
const running: DevServer[] = [];

/** `npm run dev`'s command in a process group of its own, on `port`, with no DATABASE_URL and no REDIS_URL. */
async function startDev(dataDir: string, port: number): Promise<DevServer> {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(command, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      NODE_ENV: 'development',
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_ORIGIN: origin,
      DATA_DIR: dataDir,
      UPLOAD_DIR: join(dataDir, 'uploads'),
      SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
      NEXT_TELEMETRY_DISABLED: '1',
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const dev = { origin, child, exit };
  running.push(dev);
  for (const deadline = Date.now() + START_BOUND_MS; Date.now() < deadline; await sleep(500)) {
    if (child.exitCode !== null) throw new Error(`the dev server exited with ${child.exitCode}:\n${output}`);
    const status = await fetch(`${origin}/api/health`).then((res) => res.status, () => 0);
    if (status === 200) return dev;
  }
  throw new Error(`the dev server did not answer /api/health within ${START_BOUND_MS} ms:\n${output}`);
}

/** Ctrl-C in the terminal: SIGINT to every process in the group; the exit, or 'still running' past the bound. */
async function pressCtrlC(dev: DevServer) {
  process.kill(-(dev.child.pid ?? 0), 'SIGINT');
  return Promise.race([dev.exit, sleep(EXIT_BOUND_MS).then(() => 'still running')]);
}

/** What the data directory holds for `email`, read by PGlite itself once no server has it open. */
async function storedFor(dataDir: string, email: string) {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(join(dataDir, 'pglite'));
  try {
    const users = await db.query<{ n: number }>('select count(*)::int as n from users where email = $1', [email]);
    const mails = await db.query<{ n: number }>(
      `select count(*)::int as n from mail_outbox where "to" = $1 and kind = 'activation'`,
      [email],
    );
    return { users: users.rows[0]?.n, activationMails: mails.rows[0]?.n };
  } finally {
    await db.close();
  }
}

let dataDir = '';
afterAll(async () => {
  for (const dev of running) if (dev.child.exitCode === null && dev.child.signalCode === null) process.kill(-(dev.child.pid ?? 0), 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('npm run dev stops on Ctrl-C with exit code 0 and its embedded Postgres keeps a signup for the next start', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bastion-dev-'));
  const port = await findFreePort();
  const email = uniqueEmail('dev');

  const first = await startDev(dataDir, port);
  const visitor = await new TestClient(first.origin).start('/signup');
  const signup = await visitor.mutation('auth.signup', { email });
  expect(signup.status, signup.text).toBe(200);
  expect(await pressCtrlC(first)).toEqual({ code: 0, signal: null });

  const second = await startDev(dataDir, port);
  expect(await pressCtrlC(second)).toEqual({ code: 0, signal: null });
  expect(await storedFor(dataDir, email)).toEqual({ users: 1, activationMails: 1 });
}, 2 * START_BOUND_MS + 60_000);
