import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp, TEST_ENCRYPTION_KEY } from '@/test/app';
import { TestClient } from '@/test/client';
import { rawExchange } from '@/test/raw-http';
import { startTcpProxy, type TcpProxy } from '@/test/tcp-proxy';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');

describe('the HTTP entry', () => {
  let app: RunningApp;
  beforeAll(async () => {
    // No trusted proxies: the app is exposed directly, as with a bare `next start`.
    app = await startApp({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl ?? undefined,
      TRUSTED_PROXIES: '',
      TRUSTED_PROXY_HEADER: '',
      HTTP_HEADERS_TIMEOUT_MS: '1500',
      HTTP_MAX_HEADER_SIZE: '8192',
    });
  });
  afterAll(() => app?.stop());

  it('records the socket peer, whatever forwarding headers the client forges', async () => {
    const response = await fetch(`${app.origin}/api/trpc/system.ping`, {
      headers: {
        'X-Forwarded-For': '203.0.113.9',
        'X-Real-IP': '203.0.113.9',
        'X-Bastion-Peer-IP': '203.0.113.9',
        'X-Bastion-Client-IP': '203.0.113.9',
        'CF-Connecting-IP': '203.0.113.9',
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { clientIp: string } } };
    expect(body.result.data.clientIp).toBe('127.0.0.1');
  });

  it('answers /api/health with every dependency checked', async () => {
    const response = await fetch(`${app.origin}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', db: 'ok', redis: redisUrl ? 'ok' : 'not configured' });
  });

  it('drops a client that never finishes its headers (slowloris) after the headers timeout', async () => {
    const { text, closedAfterMs } = await rawExchange(app.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n', 8000);
    expect(closedAfterMs).toBeLessThan(6000);
    expect(text).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('refuses oversized headers with 431', async () => {
    const { text } = await rawExchange(app.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431/);
  });

  it.each<[string, string, RequestInit, number]>([
    ['bad JSON', '/api/trpc/auth.login', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }, 400],
    ['an unknown procedure', '/api/trpc/nope.nothing', { method: 'GET' }, 404],
    ['a mutation over GET', '/api/trpc/auth.logout', { method: 'GET' }, 405],
    ['a batch of 11 calls (at most 10, since a batch passes the per-IP limit once)', `/api/trpc/${Array.from({ length: 11 }, () => 'system.ping').join(',')}?batch=1`, { method: 'GET' }, 400],
  ])('answers %s with a 4xx, never a 500', async (_label, path, init, status) => {
    const client = await new TestClient(app.origin, '127.0.0.1').start();
    const headers = { ...Object.fromEntries(new Headers(init.headers)), 'origin': app.origin, 'x-csrf-token': client.csrfToken() };
    const response = await client.request(path, { ...init, headers });
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text).not.toMatch(/stack|node_modules|at \w+ \(/);
  });
});

describe('the database going away at request time', () => {
  let app: RunningApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(databaseUrl);
    app = await startApp({ DATABASE_URL: proxy.url });
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
  });

  it('answers 503 with a generic message and recovers by itself when the database returns', async () => {
    expect((await fetch(`${app.origin}/api/health`)).status).toBe(200);
    proxy.cut();
    const health = await fetch(`${app.origin}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', db: 'down' });

    const ping = await fetch(`${app.origin}/api/trpc/system.ping`);
    expect(ping.status).toBe(503);
    const text = await ping.text();
    expect(text).toContain('Service temporarily unavailable');
    expect(text).not.toMatch(/ECONNREFUSED|stack|postgres/i);

    proxy.restore();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt += 1) {
      recovered = (await fetch(`${app.origin}/api/health`)).status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
    expect((await fetch(`${app.origin}/api/trpc/system.ping`)).status).toBe(200);
  });
});

describe('production start-up', () => {
  it.each(['SESSION_SECRET', 'DATABASE_URL', 'APP_ORIGIN', 'ENCRYPTION_KEY', 'SMTP_URL'])('exits non-zero naming a missing %s', (name) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: 's'.repeat(40),
      APP_ORIGIN: 'https://app.example.com',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      SMTP_URL: 'smtp://127.0.0.1:1',
      PORT: '0',
    };
    delete env[name];
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${name}: required in production`);
    expect(result.stdout).not.toContain('listening');
  });
});
