// The production build served by plain `next start`, as serverless hosts run it: no HTTP entry
// records the peer. A client's own x-bastion-peer-ip must name no one, and without a preset
// every request is refused rather than counted in one shared "unknown" budget.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '@/test/services';
import { TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from '@/test/app';
import { PEER_IP_HEADER } from '@/server/security/client-ip';

const root = join(import.meta.dirname, '..', '..');
let child: ChildProcess | undefined;
let output = '';

async function nextStart(env: Record<string, string>): Promise<string> {
  const port = await findFreePort();
  const origin = `http://127.0.0.1:${port}`;
  output = '';
  child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: inject('databaseUrl'),
      SESSION_SECRET: TEST_SESSION_SECRET,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      APP_ORIGIN: origin,
      MAIL_DELIVERY: 'outbox',
      LOG_LEVEL: 'warn',
      THROTTLE_KEY_PREFIX: `no-entry-${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 300; i += 1) {
    if (await fetch(`${origin}/login`).then(() => true, () => false)) return origin;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`next start did not answer:\n${output}`);
}

afterEach(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

describe('production without the HTTP entry', () => {
  it('refuses every request with 503 and logs why when no preset names the client, whatever peer header the client sends', async () => {
    const origin = await nextStart({});
    for (const path of ['/login', '/api/trpc/auth.me']) {
      const response = await fetch(`${origin}${path}`, { headers: { [PEER_IP_HEADER]: '203.0.113.7', 'x-real-ip': '203.0.113.8' } });
      expect(response.status, path).toBe(503);
      const body = await response.text();
      expect(body).toMatch(/cannot tell who is asking/);
      expect(body).not.toMatch(/\bat \S+ \(/); // no stack line
    }
    expect(output).toMatch(/no client address/);
  });

  it('with CLIENT_IP_PRESET=nginx, reads X-Real-IP, and one address\'s budget is its own', async () => {
    const origin = await nextStart({ CLIENT_IP_PRESET: 'nginx', API_RATE_LIMIT_PER_MINUTE: '3' });
    const asking = (ip: string) => fetch(`${origin}/api/trpc/auth.me`, { headers: { 'x-real-ip': ip, [PEER_IP_HEADER]: '198.51.100.1' } });
    expect((await asking('203.0.113.5')).status).toBe(200); // the first request also opens the store's connections
    const first: number[] = [];
    for (let i = 0; i < 4; i += 1) first.push((await asking('203.0.113.7')).status);
    expect(first).toEqual([200, 200, 200, 429]);
    expect((await asking('203.0.113.9')).status).toBe(200);
  });
});
