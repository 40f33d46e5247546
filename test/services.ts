// Throwaway servers for tests and development: real PostgreSQL and Redis from the system's
// packages when installed (Debian: postgresql, redis-server), embedded PGlite otherwise.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

export type RunningService = { url: string; stop(): Promise<void> };

/** A port nothing listens on at 127.0.0.1 (`port`, or any when 0); rejects when `port` is taken. */
export async function findFreePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export function redisServerBin(): string | undefined {
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
}

/** Postgres refuses to run as root; under root the throwaway cluster runs as the `postgres` user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Polls `check` every 100 ms until it holds; throws naming `what` past `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return true;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Sends `signal` and waits for the exit, SIGKILL after 10 s; at once when it has exited already. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** A server a test can take down and bring back on the same port and data. */
export type RestartableService = RunningService & { kill(): Promise<void>; revive(): Promise<void> };

export async function startPostgresServer(binDir: string): Promise<RestartableService> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-pg-'));
  const user = postgresUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  execFileSync(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'ignore',
    ...user,
  });
  const port = await findFreePort();
  const args = ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
  for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300']) {
    args.push('-c', setting);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const launch = async () => {
    const child = spawn(join(binDir, 'postgres'), args, { stdio: 'ignore', ...user });
    await waitFor(() => postgresAnswers(url), 'PostgreSQL');
    return child;
  };
  let child = await launch();
  return {
    url,
    kill: () => stopChild(child, 'SIGINT'),
    async revive() {
      child = await launch();
    },
    async stop() {
      await stopChild(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedisServer(bin: string, port?: number): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-redis-'));
  const chosen = port ?? (await findFreePort());
  const child = spawn(
    bin,
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const { default: Redis } = await import('ioredis');
  const url = `redis://127.0.0.1:${chosen}`;
  await waitFor(async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // "not up yet" is expected while polling; connect() rejects too
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  }, 'Redis');
  return {
    url,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Embedded Postgres: PGlite (Postgres compiled to WASM) behind its socket server. The socket
 * server multiplexes one backend session, so clients must use a pool of one connection.
 */
export async function startPglite(dataDir?: string, port?: number): Promise<RunningService> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(dataDir);
  const chosen = port ?? (await findFreePort());
  const server = new PGLiteSocketServer({ db, port: chosen, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${chosen}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** A real PostgreSQL server when its binaries are installed, PGlite otherwise. */
export async function startThrowawayPostgres(): Promise<RunningService & { kind: 'postgres' | 'pglite' }> {
  const binDir = postgresBinDir();
  if (binDir) return { kind: 'postgres', ...(await startPostgresServer(binDir)) };
  return { kind: 'pglite', ...(await startPglite()) };
}

/**
 * Free loopback ports for the e2e app, its mail catcher, the cross-site attacker page and the
 * passkey app (served as localhost), as environment variables.
 */
export async function freeE2ePorts(): Promise<Record<string, string>> {
  const names = ['E2E_PORT', 'E2E_SMTP_PORT', 'E2E_MAILBOX_PORT', 'E2E_ATTACKER_PORT', 'E2E_PASSKEY_PORT'];
  const ports: Record<string, string> = {};
  for (const name of names) ports[name] = String(await findFreePort());
  return ports;
}
