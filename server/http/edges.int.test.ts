// The edges of the HTTP surface an outsider reaches: odd methods and targets, protocol upgrades,
// bodies where none belong, and the headers on every answer. Attacked over raw sockets.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { postChunked, rawExchange } from '@/test/raw-http';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');

const request = (line: string, headers: string[] = []) => [line, 'Host: 127.0.0.1', ...headers, 'Connection: close', '', ''].join('\r\n');
const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const headerOf = (text: string, name: string) =>
  new RegExp(`^${name}: (.*)$`, 'im').exec(text.slice(0, text.indexOf('\r\n\r\n')))?.[1]?.trim() ?? null;

function expectSecurityHeaders(text: string, label: string) {
  expect(headerOf(text, 'content-security-policy'), label).toMatch(/default-src '(none|self)'.*frame-ancestors 'none'|default-src 'none'; sandbox/);
  expect(headerOf(text, 'x-content-type-options'), label).toBe('nosniff');
  expect(headerOf(text, 'x-frame-options'), label).toBe('DENY');
}

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, API_RATE_LIMIT_PER_MINUTE: '5' });
});
afterAll(() => app?.stop());

describe('methods and request targets the app does not serve', () => {
  it.each<[string, string, number]>([
    ['TRACE on a page', 'TRACE /login HTTP/1.1', 405],
    ['TRACE on the API', 'TRACE /api/trpc/system.ping HTTP/1.1', 405],
    ['OPTIONS with an asterisk target', 'OPTIONS * HTTP/1.1', 405],
    ['OPTIONS on the API', 'OPTIONS /api/trpc/system.ping HTTP/1.1', 405],
    ['PROPFIND', 'PROPFIND /login HTTP/1.1', 405],
    ['DELETE', 'DELETE /api/files/1 HTTP/1.1', 405],
    ['CONNECT', 'CONNECT evil.example:443 HTTP/1.1', 405],
    ['a lower-case method', 'get /login HTTP/1.1', 400],
    ['a lone percent sign in a file path', 'GET /api/files/% HTTP/1.1', 400],
    ['a lone percent sign in a procedure path', 'GET /api/trpc/% HTTP/1.1', 400],
    ['an encoded NUL in the path', 'GET /login%00 HTTP/1.1', 400],
    ['an asterisk target on GET', 'GET * HTTP/1.1', 400],
  ])('answers %s (%s) with %i, the security headers and a closed socket', async (_label, line, status) => {
    const { text, closedByServer } = await rawExchange(app.port, request(line));
    expect(statusOf(text), text).toBe(status);
    expectSecurityHeaders(text, line);
    expect(headerOf(text, 'content-type')).toBe('application/json');
    expect(text).not.toMatch(/stack|node_modules|at \w+ \(|Internal Server Error/);
    expect(closedByServer).toBe(true);
  });

  it('names the served methods in Allow', async () => {
    const { text } = await rawExchange(app.port, request('TRACE /login HTTP/1.1'));
    expect(headerOf(text, 'allow')).toBe('GET, HEAD, POST');
  });

  it('writes no stack trace to the log for a flood of odd requests', async () => {
    const before = app.output().length;
    for (let i = 0; i < 20; i += 1) await rawExchange(app.port, request(`TRACE /api/trpc/system.ping?n=${i} HTTP/1.1`));
    await rawExchange(app.port, request('OPTIONS * HTTP/1.1'));
    await rawExchange(app.port, request('GET /api/trpc/% HTTP/1.1'));
    const logged = app.output().slice(before);
    expect(logged).not.toMatch(/TypeError|Invalid URL|^ {4}at /m);
  });

  it('answers HEAD on a page like GET, without a body', async () => {
    const { text } = await rawExchange(app.port, request('HEAD /login HTTP/1.1'));
    expect(statusOf(text)).toBe(200);
    expectSecurityHeaders(text, 'HEAD /login');
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('');
  });
});

describe('absolute-form and look-alike targets', () => {
  it.each([
    'GET http://evil.example/api/health HTTP/1.1',
    'GET http://evil.example/api/health/ HTTP/1.1',
    'GET http://evil.example/login/ HTTP/1.1',
    'GET //evil.example/ HTTP/1.1',
    'GET /\\evil.example/ HTTP/1.1',
  ])('never redirects to another host (%s)', async (line) => {
    const { text } = await rawExchange(app.port, request(line));
    expect(statusOf(text), text).toBeGreaterThan(0);
    // A relative location must not start with `//` or `/\`, which browsers read as another host.
    for (const target of [headerOf(text, 'location'), headerOf(text, 'refresh')?.replace(/^\d+;url=/, '')]) {
      if (target) expect(target.startsWith(app.origin) || /^\/(?![/\\])/.test(target), target).toBe(true);
    }
  });
});

describe('loopback names in production', () => {
  it('serves a request under another loopback name as it is, never redirecting between names', async () => {
    const underLocalhost = request('GET /login HTTP/1.1').replace('Host: 127.0.0.1', `Host: localhost:${app.port}`);
    const { text } = await rawExchange(app.port, underLocalhost);
    expect(statusOf(text)).toBe(200);
    expect(headerOf(text, 'location')).toBeNull();
  });
});

describe('protocol upgrades', () => {
  const upgrade = (path: string) => request(`GET ${path} HTTP/1.1`, ['Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==']).replace('Connection: close', 'Connection: Upgrade');

  it('answers an upgrade the app does not serve and closes the socket, even after Next has seen requests', async () => {
    expect((await fetch(`${app.origin}/login`)).status).toBe(200);
    for (const path of ['/anything', '/api/trpc/system.ping', '/_next/hmr', '/_next/webpack-hmr']) {
      const { text, closedByServer } = await rawExchange(app.port, upgrade(path));
      expect(statusOf(text), path).toBe(400);
      expectSecurityHeaders(text, path);
      expect(closedByServer, path).toBe(true);
    }
  });

  it('leaves no socket open after 100 parallel upgrade requests', async () => {
    const exchanges = await Promise.all(Array.from({ length: 100 }, () => rawExchange(app.port, upgrade('/anything'))));
    expect(exchanges.filter((exchange) => exchange.closedByServer)).toHaveLength(100);
    expect(new Set(exchanges.map((exchange) => statusOf(exchange.text)))).toEqual(new Set([400]));
  });
});

describe('bodies on routes that take none', () => {
  it.each([
    ['a chunked body to a page', 'POST /login HTTP/1.1'],
    ['a chunked body on GET', 'GET /api/health HTTP/1.1'],
  ])('refuses %s with 413', async (_label, line) => {
    const payload = request(line, [`Origin: ${app.origin}`, 'Transfer-Encoding: chunked']) + '5\r\nhello\r\n0\r\n\r\n';
    const { text } = await rawExchange(app.port, payload);
    expect(statusOf(text), text).toBe(413);
    expectSecurityHeaders(text, line);
  });

  it('refuses a declared body to a page with 413 before reading it', async () => {
    const { text } = await rawExchange(app.port, request('POST /signup HTTP/1.1', [`Origin: ${app.origin}`, 'Content-Length: 5000']));
    expect(statusOf(text)).toBe(413);
  });

  it('refuses an oversized body that waits for 100 Continue without inviting it', async () => {
    const headers = [`Origin: ${app.origin}`, 'Content-Type: application/json', 'Content-Length: 50000000', 'Expect: 100-continue'];
    const { text } = await rawExchange(app.port, request('POST /api/trpc/auth.login HTTP/1.1', headers), 3000);
    expect(statusOf(text), text).toBe(413);
    expect(text).not.toContain('100 Continue');
  });

  it('invites a body that fits with 100 Continue, then serves the request', async () => {
    const headers = [`Origin: ${app.origin}`, 'Content-Type: application/json', 'Content-Length: 2', 'Expect: 100-continue'];
    const { text } = await rawExchange(app.port, `${request('POST /api/trpc/auth.logout HTTP/1.1', headers)}{}`);
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 (200|403) /);
  });

  it('stops reading a 12 MB chunked body to a page long before its end', async () => {
    const outcome = await new Promise<{ status: number; sentBytes: number }>((resolve) => {
      const socket = connect(app.port, '127.0.0.1');
      let text = '';
      let sentBytes = 0;
      const chunk = `${(64 * 1024).toString(16)}\r\n${'a'.repeat(64 * 1024)}\r\n`;
      const finish = () => resolve({ status: statusOf(text), sentBytes });
      socket.on('data', (data: Buffer) => {
        text += data.toString();
        if (text.includes('\r\n\r\n')) socket.destroy();
      });
      socket.on('close', finish);
      socket.on('error', () => undefined);
      socket.write(request('POST /login HTTP/1.1', [`Origin: ${app.origin}`, 'Transfer-Encoding: chunked']).replace('Connection: close\r\n', ''));
      // One chunk at a time, stopping at the first byte of an answer, as a client reading its socket would.
      const pump = () => {
        if (socket.destroyed || text !== '') return;
        if (sentBytes >= 12 * 1024 * 1024) return void socket.end('0\r\n\r\n');
        sentBytes += 64 * 1024;
        socket.write(chunk, () => setTimeout(pump, 1));
      };
      pump();
    });
    expect(outcome.status).toBe(413);
    expect(outcome.sentBytes).toBeLessThan(1024 * 1024);
  });
});

describe('a chunked body within the limit', () => {
  it('reaches the procedure whole, however it was split', async () => {
    const client = await new TestClient(app.origin).start();
    const parts = ['{"email":"nobody', '@example.test","pass', 'word":"not-the-password"}'];
    const reply = await postChunked(client, '/api/trpc/auth.login', parts);
    // Wrong credentials, not a malformed body: every chunk arrived, in order.
    expect(reply.status, reply.text).toBe(401);
  });
});

describe('unsafe methods on pages', () => {
  it('answers a same-origin POST to a page with 405, and spends the per-IP budget doing so', async () => {
    const ip = '192.0.2.91';
    const statuses = [];
    for (let i = 0; i < 7; i += 1) {
      const response = await fetch(`${app.origin}/login`, { method: 'POST', headers: { 'origin': app.origin, 'x-forwarded-for': ip } });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 5)).toEqual([405, 405, 405, 405, 405]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('headers on the edges of the middleware matcher', () => {
  it.each(['/api/nothing-here', '/_next/imagex', '/_next/static-x', '/_next/image?url=%2Fdemo%2Fhostile.html&w=64&q=75'])(
    '%s carries a CSP and the frame guard',
    async (path) => {
      const response = await fetch(`${app.origin}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-security-policy'), path).toMatch(/^default-src '(self|none)'.*(frame-ancestors 'none'|sandbox)/);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    },
  );
});

describe('the dev mailbox outside development', () => {
  let testMode: RunningApp;
  beforeAll(async () => {
    testMode = await startApp({ DATABASE_URL: databaseUrl, NODE_ENV: 'test', APP_ORIGIN: undefined });
  });
  afterAll(() => testMode?.stop());

  it.each(['/dev/mailbox', '/api/trpc/dev.mailbox', '/api/trpc/system.ping,dev.mailbox?batch=1&input=%7B%7D', '/api/trpc/%64ev.mailbox'])(
    'answers %s with 404 when NODE_ENV is test, even from loopback',
    async (path) => {
      const response = await fetch(`${testMode.origin}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('@example');
    },
  );
});
