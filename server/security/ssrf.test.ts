import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsBusyError } from './outbound-dns';
import { isBlockedAddress, safeFetch, SsrfBlockedError, validateOutboundUrl, type Resolver, type SsrfBlockReason } from './ssrf';

const FAST = { timeoutMs: 3_000 };

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

const DNS: Record<string, LookupAddress[]> = {
  'example.com': [v4('93.184.216.34')],
  'evil.test': [v4('10.0.0.1')],
  'metadata.test': [v4('169.254.169.254')],
  'localhost.test': [v4('127.0.0.1')],
  'v6-loopback.test': [v6('::1')],
  'mapped.test': [v6('::ffff:127.0.0.1')],
  'nat64.test': [v6('64:ff9b::a9fe:a9fe')],
  'mixed.test': [v4('93.184.216.34'), v4('10.0.0.1')],
  'mixed6.test': [v6('2606:4700:4700::1111'), v6('fd00::1')],
  'good.test': [v4('127.0.0.1')],
  'empty.test': [],
};

const calls: string[] = [];
const testResolver: Resolver = async (hostname) => {
  calls.push(hostname);
  const answer = DNS[hostname];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
};

async function reasonOf(promise: Promise<unknown>): Promise<SsrfBlockReason | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof SsrfBlockedError) return error.reason;
    throw error;
  }
}

function listen(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

let port = 0;
let otherPort = 0;
let otherHits = 0;
const seenHosts: string[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => res.end('hello'),
  '/echo': (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.end(JSON.stringify({
      method: req.method,
      body: Buffer.concat(chunks).toString(),
      auth: req.headers.authorization ?? null,
      signature: req.headers['x-signature'] ?? null,
    })));
  },
  '/to-ok': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
  '/to-echo-307': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
  '/to-good-echo': (_req, res) => res.writeHead(307, { location: `http://good.test:${port}/echo` }).end(),
  '/to-echo-303': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
  '/to-other-port': (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/` }).end(),
  '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
  '/to-internal-name': (_req, res) => res.writeHead(302, { location: 'http://internal.test/' }).end(),
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  // Declares a large body but sends a few bytes and stalls: only the Content-Length check can refuse it in time.
  '/big-declared': (_req, res) => res.writeHead(200, { 'content-length': String(64 * 1024) }).write('a few bytes'),
  '/big-chunked': (_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < 64; i++) res.write(Buffer.alloc(1024));
    res.end();
  },
  '/slow': () => undefined,
  '/slow-body': (_req, res) => {
    res.writeHead(200);
    res.write('first bytes');
  },
};

const server = createHttpServer((req, res) => {
  seenHosts.push(req.headers.host ?? '');
  const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
  if (route) return route(req, res);
  res.writeHead(404).end();
});
const otherServer = createHttpServer((_req, res) => {
  otherHits++;
  res.end('internal secret');
});

beforeAll(async () => {
  port = await listen(server);
  otherPort = await listen(otherServer);
});

afterAll(async () => {
  for (const s of [server, otherServer]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

describe('WHATWG URL normalises numeric hosts before we check them', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[0:0:0:0:0:ffff:169.254.169.254]/', '[::ffff:a9fe:a9fe]'],
  ])('%s → %s', (input, hostname) => {
    expect(new URL(input).hostname).toBe(hostname);
  });
});

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '255.255.255.255', '224.0.0.1', '240.0.0.1', '192.0.0.8', '192.0.2.1', '198.51.100.1', '203.0.113.1', '198.19.0.1',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::808:808', '64:ff9b:1::1', '2002:808:808::1',
    '2001:0:4136:e378::1', '2001:db8::1', '3fff::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fec0::1', 'ff02::1', '100::1', '4000::1',
    '', 'localhost', '127.1', '0x7f.0.0.1', 'fe80::1%eth0',
  ])('%s is blocked', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isBlockedAddress(ip)).toBe(false);
  });
});

describe('hostile URLs are refused before any connection', () => {
  it.each<[string, SsrfBlockReason]>([
    ['http://2130706433/', 'blocked-address'],
    ['http://0x7f.1/', 'blocked-address'],
    ['http://017700000001/', 'blocked-address'],
    ['http://127.1/', 'blocked-address'],
    ['http://0/', 'blocked-address'],
    ['http://127.0.0.1/', 'blocked-address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked-address'],
    ['http://[::ffff:7f00:1]/', 'blocked-address'],
    ['http://[::1]/', 'blocked-address'],
    ['http://[::]/', 'blocked-address'],
    ['http://[0:0:0:0:0:ffff:169.254.169.254]/', 'blocked-address'],
    ['http://[64:ff9b::a00:1]/', 'blocked-address'],
    ['http://[64:ff9b:1::a00:1]/', 'blocked-address'],
    ['http://[2002:7f00:1::]/', 'blocked-address'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'blocked-address'],
    ['http://[::7f00:1]/', 'blocked-address'],
    ['http://169.254.169.254/latest/meta-data/', 'blocked-address'],
    ['http://100.64.0.1/', 'blocked-address'],
    ['http://192.168.1.1/', 'blocked-address'],
    ['http://10.0.0.1/', 'blocked-address'],
    ['http://172.16.0.1/', 'blocked-address'],
    ['http://[fc00::1]/', 'blocked-address'],
    ['http://[fe80::1]/', 'blocked-address'],
    ['http://224.0.0.1/', 'blocked-address'],
    ['http://[ff02::1]/', 'blocked-address'],
    ['http://255.255.255.255/', 'blocked-address'],
    ['http://0.0.0.0/', 'blocked-address'],
    ['http://192.0.2.1/', 'blocked-address'],
    ['http://198.18.0.1/', 'blocked-address'],
    ['http://240.0.0.1/', 'blocked-address'],
    ['http://[2001:db8::1]/', 'blocked-address'],
    ['https://evil.test/', 'blocked-address'],
    ['http://metadata.test/latest/meta-data/', 'blocked-address'],
    ['http://localhost.test/', 'blocked-address'],
    ['http://v6-loopback.test/', 'blocked-address'],
    ['http://mapped.test/', 'blocked-address'],
    ['http://nat64.test/', 'blocked-address'],
    ['http://mixed.test/', 'blocked-address'],
    ['http://mixed6.test/', 'blocked-address'],
    ['http://nonexistent.test/', 'dns-failure'],
    ['http://empty.test/', 'dns-failure'],
    ['http://user:pass@example.com/', 'credentials'],
    ['http://user@example.com/', 'credentials'],
    ['file:///etc/passwd', 'scheme'],
    ['ftp://example.com/', 'scheme'],
    ['gopher://example.com:70/_x', 'scheme'],
    ['data:text/plain,hello', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['ws://example.com/', 'scheme'],
    ['not a url', 'bad-url'],
    ['http://', 'bad-url'],
  ])('%s → %s', async (url, reason) => {
    expect(await reasonOf(safeFetch(url, { ...FAST, resolver: testResolver }))).toBe(reason);
    expect(await reasonOf(validateOutboundUrl(url, { resolver: testResolver }))).toBe(reason);
  });

  it('refuses hosts outside the allowlist, and checks addresses of those inside it', async () => {
    const options = { resolver: testResolver, allowHosts: ['example.com', 'evil.test'] };
    expect(await reasonOf(validateOutboundUrl('https://other.example/', options))).toBe('not-allowlisted');
    expect(await reasonOf(validateOutboundUrl('https://EXAMPLE.com/x', options))).toBe('resolved');
    expect(await reasonOf(validateOutboundUrl('https://evil.test/', options))).toBe('blocked-address');
  });

  it('accepts a public target without connecting', async () => {
    const { url, addresses } = await validateOutboundUrl('https://example.com/hook', { resolver: testResolver });
    expect(url.href).toBe('https://example.com/hook');
    expect(addresses).toEqual([v4('93.184.216.34')]);
  });

  it('the test-only loopback exception opens exactly one port on 127.0.0.1 / ::1 and nothing else', async () => {
    const options = { resolver: testResolver, allowLoopbackPort: 8123 };
    expect(await reasonOf(validateOutboundUrl('http://127.0.0.1:8123/', options))).toBe('resolved');
    expect(await reasonOf(validateOutboundUrl('http://[::1]:8123/', options))).toBe('resolved');
    expect(await reasonOf(validateOutboundUrl('http://127.0.0.1:8124/', options))).toBe('blocked-address');
    expect(await reasonOf(validateOutboundUrl('http://127.0.0.2:8123/', options))).toBe('blocked-address');
    expect(await reasonOf(validateOutboundUrl('http://10.0.0.1:8123/', options))).toBe('blocked-address');
    expect(await reasonOf(validateOutboundUrl('http://169.254.169.254:8123/', options))).toBe('blocked-address');
    expect(await reasonOf(validateOutboundUrl('http://127.0.0.1/', options))).toBe('blocked-address');
  });

  it('refuses localhost and .invalid names without asking a nameserver', async () => {
    calls.length = 0;
    for (const url of ['http://localhost/', 'http://LOCALHOST./', 'http://api.localhost/', 'http://x.invalid/']) {
      expect(await reasonOf(validateOutboundUrl(url, { resolver: testResolver })), url).not.toBe('resolved');
    }
    expect(calls).toEqual([]);
  });

  it('passes a busy resolver\'s 429 through instead of calling the name unresolvable', async () => {
    const busy: Resolver = async () => {
      throw new DnsBusyError(3);
    };
    await expect(validateOutboundUrl('http://example.com/', { resolver: busy })).rejects.toBeInstanceOf(DnsBusyError);
    await expect(safeFetch('http://example.com/', { resolver: busy })).rejects.toBeInstanceOf(DnsBusyError);
  });

  it('has messages that are safe to show and never echo the resolved address', async () => {
    const error = await safeFetch('http://evil.test/', { resolver: testResolver }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect((error as SsrfBlockedError).status).toBe(422);
    expect((error as SsrfBlockedError).message).not.toContain('10.0.0.1');
  });
});

describe('safeFetch against local servers', () => {
  const local = () => ({ ...FAST, resolver: testResolver, allowLoopbackPort: port });
  const text = (body: Uint8Array) => new TextDecoder().decode(body);

  it('fetches the permitted target end to end', async () => {
    const response = await safeFetch(`http://127.0.0.1:${port}/ok`, local());
    expect(response.status).toBe(200);
    expect(text(response.body)).toBe('hello');
    expect(response.headers.get('content-length')).toBe('5');
    expect(response.redirects).toBe(0);
  });

  it('sends a POST body and follows a same-server redirect', async () => {
    const posted = await safeFetch(`http://127.0.0.1:${port}/echo`, { ...local(), method: 'POST', body: 'ping', headers: { 'content-type': 'text/plain' } });
    expect(JSON.parse(text(posted.body))).toMatchObject({ method: 'POST', body: 'ping' });
    const redirected = await safeFetch(`http://127.0.0.1:${port}/to-ok`, local());
    expect(text(redirected.body)).toBe('hello');
    expect(redirected.url).toBe(`http://127.0.0.1:${port}/ok`);
    expect(redirected.redirects).toBe(1);
  });

  it('re-sends the body on 307 and turns 303 into a body-less GET', async () => {
    const kept = await safeFetch(`http://127.0.0.1:${port}/to-echo-307`, { ...local(), method: 'POST', body: new TextEncoder().encode('again') });
    expect(JSON.parse(text(kept.body))).toMatchObject({ method: 'POST', body: 'again' });
    const seeOther = await safeFetch(`http://127.0.0.1:${port}/to-echo-303`, { ...local(), method: 'POST', body: 'dropped' });
    expect(JSON.parse(text(seeOther.body))).toMatchObject({ method: 'GET', body: '' });
  });

  it('connects to the validated address, never asking DNS again (no rebinding)', async () => {
    calls.length = 0;
    seenHosts.length = 0;
    const response = await safeFetch(`http://good.test:${port}/ok`, local());
    expect(text(response.body)).toBe('hello');
    expect(calls).toEqual(['good.test']);
    expect(seenHosts).toEqual([`good.test:${port}`]);
  });

  it('a resolver that changes its answer after validation cannot redirect the connection', async () => {
    let answers = 0;
    const rebinding: Resolver = async () => (answers++ === 0 ? [v4('127.0.0.1')] : [v4('10.0.0.1')]);
    const response = await safeFetch(`http://rebind.test:${port}/ok`, { ...FAST, resolver: rebinding, allowLoopbackPort: port });
    expect(text(response.body)).toBe('hello');
    expect(answers).toBe(1);
  });

  it('keeps the host name for TLS: SNI carries it although the socket goes to the pinned address', async () => {
    let clientHello: Buffer = Buffer.alloc(0);
    const tlsProbe = createNetServer((socket) => socket.once('data', (data: Buffer) => {
      clientHello = data;
      socket.destroy();
    }));
    const tlsPort = await listen(tlsProbe);
    try {
      const reason = await reasonOf(safeFetch(`https://good.test:${tlsPort}/`, { ...FAST, resolver: testResolver, allowLoopbackPort: tlsPort }));
      expect(reason).toBe('connection-failed');
      expect(clientHello[0]).toBe(0x16); // TLS handshake record
      expect(clientHello.includes('good.test')).toBe(true);
    } finally {
      await new Promise((resolve) => tlsProbe.close(resolve));
    }
  });

  it('refuses a redirect to another loopback port or to the metadata service, without contacting them', async () => {
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/to-other-port`, local()))).toBe('blocked-address');
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/to-metadata`, local()))).toBe('blocked-address');
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/to-file`, local()))).toBe('scheme');
    expect(otherHits).toBe(0);
  });

  it('stops a redirect loop after maxRedirects', async () => {
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/loop`, local()))).toBe('too-many-redirects');
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/to-ok`, { ...local(), maxRedirects: 0 }))).toBe('too-many-redirects');
  });

  it('refuses responses over maxResponseBytes, declared or streamed', async () => {
    const small = { ...local(), maxResponseBytes: 16 * 1024 };
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/big-declared`, small))).toBe('response-too-large');
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/big-chunked`, small))).toBe('response-too-large');
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/big-chunked`, { ...local(), maxResponseBytes: 64 * 1024 }))).toBe('resolved');
  });

  it('times out on a server that never answers, or never finishes the body', async () => {
    const started = Date.now();
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/slow`, { ...local(), timeoutMs: 300 }))).toBe('timeout');
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/slow-body`, { ...local(), timeoutMs: 300 }))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('times out on a resolver that never answers', async () => {
    const hanging: Resolver = () => new Promise(() => undefined);
    expect(await reasonOf(safeFetch('http://hang.test/', { resolver: hanging, timeoutMs: 200 }))).toBe('timeout');
  });

  it('refuses the allowed server when it is not on the allowlist', async () => {
    expect(await reasonOf(safeFetch(`http://127.0.0.1:${port}/ok`, { ...local(), allowHosts: ['example.com'] }))).toBe('not-allowlisted');
  });

  it('keeps credentials on a same-origin redirect and drops them when the origin changes', async () => {
    const options = { ...local(), method: 'POST', body: 'x', headers: { authorization: 'Bearer secret' } };
    const same = await safeFetch(`http://127.0.0.1:${port}/to-echo-307`, options);
    expect(JSON.parse(text(same.body))).toMatchObject({ auth: 'Bearer secret' });
    const cross = await safeFetch(`http://127.0.0.1:${port}/to-good-echo`, options);
    expect(cross.url).toBe(`http://good.test:${port}/echo`);
    expect(JSON.parse(text(cross.body))).toMatchObject({ method: 'POST', body: 'x', auth: null });
  });

  it('drops origin-bound headers (a delivery signature) when a redirect changes origin, and only then', async () => {
    const signed = { headers: { 'x-signature': 't=1,v1=ab' }, originBoundHeaders: ['x-signature'] };
    const options = { ...local(), method: 'POST', body: 'x', ...signed };
    const same = await safeFetch(`http://127.0.0.1:${port}/to-echo-307`, options);
    expect(JSON.parse(text(same.body))).toMatchObject({ signature: 't=1,v1=ab' });
    const cross = await safeFetch(`http://127.0.0.1:${port}/to-good-echo`, options);
    expect(cross.url).toBe(`http://good.test:${port}/echo`);
    expect(JSON.parse(text(cross.body))).toMatchObject({ body: 'x', signature: null });
  });

  it('names the hop that failed, not the URL first given, when a redirect leads to a bad name', async () => {
    const error = await safeFetch(`http://127.0.0.1:${port}/to-internal-name`, local()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect(error).toMatchObject({ reason: 'dns-failure', host: 'internal.test' });
  });
});
