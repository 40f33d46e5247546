// Starts the built app (`next build` output) through the real HTTP entry, on a free loopback
// port, against the given database and Redis. Used by integration tests and the e2e server.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort, stopChild } from './services';

export type RunningApp = {
  origin: string;
  port: number;
  stop(): Promise<void>;
  output(): string;
  /** The server process itself, for tests that signal it (SIGTERM, SIGSTOP) or read its exit code. */
  child: ChildProcess;
};

export const TEST_SESSION_SECRET = 'test-session-secret-0123456789-abcdefghijklmnop';
/** 32 bytes, base64url: the key test apps seal the outbox and other secrets with. */
export const TEST_ENCRYPTION_KEY = 'dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU';
const root = join(import.meta.dirname, '..');

/** `dir`: another copy of the app (the benchmarks' variant builds); the repository by default. */
export async function startApp(
  env: Record<string, string | undefined>,
  port?: number,
  dir = root,
): Promise<RunningApp> {
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) {
    throw new Error('No production build found: run `npm run build` first (npm test does it for you).');
  }
  const chosen = port ?? (await findFreePort());
  const origin = `http://127.0.0.1:${chosen}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(chosen),
      APP_ORIGIN: origin,
      SESSION_SECRET: TEST_SESSION_SECRET,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      // Without an SMTP server, mail stays in the outbox on purpose (tests read it from there).
      MAIL_DELIVERY: env.SMTP_URL ? undefined : 'outbox',
      LOG_LEVEL: 'warn',
      // Tests pose as many client IPs through a trusted proxy header (test/client.ts), and run
      // far more requests than one person would: the per-IP API budget is raised unless a test sets it.
      TRUSTED_PROXIES: '127.0.0.1',
      TRUSTED_PROXY_HEADER: 'x-forwarded-for',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      // Each app under test counts on its own keys in the shared Redis/Postgres.
      THROTTLE_KEY_PREFIX: `test-${chosen}-${Date.now().toString(36)}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => stopChild(child);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`App exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${origin}/api/health`).then((res) => res.status < 500, () => false);
    if (ready) return { origin, port: chosen, stop, output: () => output, child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`App did not answer /api/health within 60 s:\n${output}`);
}
