// Issue: request hardening at the boundary, attacked over real HTTP against the built app.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import { CSRF_COOKIE, SESSION_COOKIE, TestClient } from '@/test/client';
import { testSql, type TestSql } from '@/test/db';
import { postChunked } from '@/test/raw-http';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');

let app: RunningApp;
let sql: TestSql;
beforeAll(async () => {
  sql = testSql(databaseUrl);
  app = await startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, BODY_LIMIT_BYTES: '4096' });
});
afterAll(async () => {
  await app?.stop();
  await sql?.end();
});

const PAGE_HEADERS = {
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

describe('security headers', () => {
  it('a page gets a strict nonce CSP and the full set, and each request a fresh nonce', async () => {
    const first = await fetch(`${app.origin}/login`);
    const second = await fetch(`${app.origin}/login`);
    const csp = first.headers.get('content-security-policy') ?? '';
    for (const directive of ['\'strict-dynamic\'', 'object-src \'none\'', 'base-uri \'none\'', 'frame-ancestors \'none\'', 'form-action \'self\'']) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(first.headers.get(name), name).toBe(value);
    expect(first.headers.get('strict-transport-security')).toMatch(/max-age=\d{8,};.*includeSubDomains/);
    expect(Number(first.headers.get('strict-transport-security')?.match(/max-age=(\d+)/)?.[1])).toBeGreaterThanOrEqual(31_536_000);
    expect(first.headers.get('permissions-policy')).toContain('camera=()');
    expect(first.headers.get('x-powered-by')).toBeNull();
  });

  it('an API response gets the set and private, no-store', async () => {
    const response = await fetch(`${app.origin}/api/health`);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('a file from public/ gets the static set and a short Cache-Control', async () => {
    const response = await fetch(`${app.origin}/demo/hostile.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe('default-src \'none\'; sandbox');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-site');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600, must-revalidate');
  });

  it.each(['/%64emo/hostile.html', '/demo%2fhostile.html', '/demo/%68ostile.html', '/robot%73.txt'])(
    'keeps the static set on a percent-encoded path to a public file (%s)',
    async (path) => {
      // Next's file server decodes the path and serves the file; the headers must come along.
      const response = await fetch(`${app.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe('default-src \'none\'; sandbox');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-site');
    },
  );

  it('leaves Next\'s own immutable caching of /_next/static alone', async () => {
    const html = await (await fetch(`${app.origin}/`)).text();
    const asset = html.match(/\/_next\/static\/[^"']+\.js/)?.[0];
    expect(asset).toBeTruthy();
    const response = await fetch(`${app.origin}${asset}`);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('CSRF', () => {
  it('refuses a tRPC mutation from a foreign Origin with 403 and records it', async () => {
    const client = await new TestClient(app.origin).start();
    const reply = await client.mutation('auth.logout', undefined, { origin: 'https://evil.example' });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.text)).toEqual({ error: 'FORBIDDEN', message: 'Cross-site request refused.' });
    const rows = await sql`select details from audit_events where event = 'csrf_rejected' and ip = ${client.ip}`;
    expect(rows.length).toBe(1);
  });

  it('refuses a cross-site Sec-Fetch-Site without Origin', async () => {
    const client = await new TestClient(app.origin).start();
    const response = await client.request('/api/trpc/auth.logout', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(response.status).toBe(403);
  });

  it('refuses a request with neither header when it carries a session cookie, accepts it without one', async () => {
    const anonymous = new TestClient(app.origin);
    const withCookie = new TestClient(app.origin);
    withCookie.cookies.set(SESSION_COOKIE, 'anything');
    const json = { 'content-type': 'application/json' };
    const refused = await withCookie.request('/api/trpc/auth.logout', { method: 'POST', headers: json });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: 'Cross-site request refused.' });
    // No Origin and no cookie passes the first layer, then meets the second: no CSRF token.
    const second = await anonymous.request('/api/trpc/auth.logout', { method: 'POST', headers: json });
    expect(second.status).toBe(403);
    expect(await second.json()).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
  });

  it('refuses a mutation without the CSRF token, or with one from another session, with FORBIDDEN', async () => {
    const client = await new TestClient(app.origin).start();
    const missing = await client.mutation('auth.logout', undefined, { 'x-csrf-token': '' });
    expect(missing.status).toBe(403);
    expect(missing.error?.data.code).toBe('FORBIDDEN');
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events where event = 'csrf_rejected' and ip = ${client.ip}`;
    expect(row?.n).toBe(1);
    const other = await new TestClient(app.origin).start();
    const foreign = other.cookies.get(CSRF_COOKIE) ?? '';
    client.cookies.set(CSRF_COOKIE, foreign);
    const planted = await client.mutation('auth.logout', undefined, { 'x-csrf-token': foreign });
    expect(planted.status).toBe(200); // both anonymous: bound to the same empty session…
    client.cookies.set(SESSION_COOKIE, 'some-session');
    const mismatched = await client.mutation('auth.logout', undefined, { 'x-csrf-token': foreign });
    expect(mismatched.status).toBe(403); // …but useless once a session is involved
  });

  it('accepts the same mutation from our own origin with the token', async () => {
    const client = await new TestClient(app.origin).start();
    expect((await client.mutation('auth.logout')).status).toBe(200);
  });

  it('never runs a mutation over GET', async () => {
    const client = await new TestClient(app.origin).start();
    const response = await client.request('/api/trpc/auth.logout');
    expect(response.status).toBe(405);
  });
});

describe('body size', () => {
  it('answers 413 to a 50 MB declared body without waiting for a byte of it (page, API or upload path)', async () => {
    const { port } = new URL(app.origin);
    for (const path of ['/login', '/api/trpc/auth.login', '/api/trpc/files.upload']) {
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${app.origin}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n`);
        });
        let received = '';
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString();
          if (received.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(received);
          }
        });
        socket.on('error', reject);
        setTimeout(() => reject(new Error(`no answer to ${path} while the body was withheld`)), 5000).unref();
      });
      expect(head, path).toMatch(/^HTTP\/1\.1 413/);
    }
  });

  it('answers 413 to an oversized declared body before reading it', async () => {
    const client = await new TestClient(app.origin).start();
    const reply = await client.mutation('auth.login', { email: 'a@example.test', password: 'x'.repeat(10_000) });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.text)).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' });
  });

  it('cuts off an oversized chunked body while reading it, with 413', async () => {
    const client = await new TestClient(app.origin).start();
    const parts = ['{"email":"a@example.test","password":"', ...Array.from({ length: 10 }, () => 'y'.repeat(1000)), '"}'];
    const { status } = await postChunked(client, '/api/trpc/auth.login', parts);
    expect(status).toBe(413);
  });
});

describe('client IP and the per-IP API limit', () => {
  let strict: RunningApp;
  let exposed: RunningApp;
  beforeAll(async () => {
    // Trusts 127.0.0.1 as its proxy; a budget of 5 API calls a minute per client IP.
    strict = await startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, API_RATE_LIMIT_PER_MINUTE: '5' });
    // Exposed directly: no trusted proxies.
    exposed = await startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, API_RATE_LIMIT_PER_MINUTE: '5', TRUSTED_PROXIES: '', TRUSTED_PROXY_HEADER: '' });
  });
  afterAll(async () => {
    await strict?.stop();
    await exposed?.stop();
  });

  const ping = (origin: string, forwardedFor: string) => fetch(`${origin}/api/trpc/system.ping`, { headers: { 'x-forwarded-for': forwardedFor } });

  it('rate-limits /api/* per IP with 429 and Retry-After, health exempt', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await ping(strict.origin, '192.0.2.10')).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const blocked = await ping(strict.origin, '192.0.2.10');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${strict.origin}/api/health`, { headers: { 'x-forwarded-for': '192.0.2.10' } })).status).toBe(200);
  });

  it('honours X-Forwarded-For from a trusted proxy: another client has its own budget', async () => {
    const reply = await ping(strict.origin, '192.0.2.11');
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { result: { data: { clientIp: string } } }).result.data.clientIp).toBe('192.0.2.11');
  });

  it('drops a client\'s own copies of the internal headers: the route sees the address the boundary resolved, and no nonce of its choosing', async () => {
    // Had the peer header survived, the peer would be untrusted and the route would see 203.0.113.67.
    const reply = await fetch(`${strict.origin}/api/trpc/system.ping`, {
      headers: { 'x-forwarded-for': '192.0.2.12', 'x-bastion-client-ip': '203.0.113.66', 'x-bastion-peer-ip': '203.0.113.67' },
    });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { result: { data: { clientIp: string } } }).result.data.clientIp).toBe('192.0.2.12');
    const page = await fetch(`${strict.origin}/login`, { headers: { 'x-nonce': 'chosen-by-the-client' } });
    expect(page.headers.get('content-security-policy')).not.toContain('chosen-by-the-client');
    expect(await page.text()).not.toContain('chosen-by-the-client');
  });

  it('counts cross-site refusals against the budget, so a flood of them writes a bounded number of audit rows', async () => {
    const ip = '192.0.2.77';
    const post = () => fetch(`${strict.origin}/login`, { method: 'POST', headers: { 'origin': 'https://evil.example', 'x-forwarded-for': ip } });
    const statuses = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await post()).status);
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events where event = 'csrf_rejected' and ip = ${ip}`;
    expect(row?.n).toBe(5);
  });

  it('ignores a spoofed X-Forwarded-For from an untrusted peer: rotating it does not escape the budget', async () => {
    const statuses = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await ping(exposed.origin, `203.0.113.${i + 1}`)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });
});
