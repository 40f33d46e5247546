// Server-side request forgery: a user-supplied URL that reaches our own network (metadata service,
// localhost, private ranges) directly, through DNS, DNS rebinding or a redirect. safeFetch checks
// every resolved address of every hop and connects only to those. Copy with ./errors.ts and
// ./outbound-dns.ts; needs undici, ipaddr.js.
import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { SecurityError, UnprocessableError } from './errors';
import { createDnsResolver, type Resolver } from './outbound-dns';

export type { Resolver };

export type SsrfBlockReason =
  | 'bad-url' | 'scheme' | 'credentials' | 'not-allowlisted' | 'dns-failure' | 'blocked-address'
  | 'too-many-redirects' | 'response-too-large' | 'timeout' | 'connection-failed';

const MESSAGES: Record<SsrfBlockReason, string> = {
  'bad-url': 'The URL is not valid.',
  'scheme': 'Only http and https URLs are allowed.',
  'credentials': 'URLs with a user name or password are not allowed.',
  'not-allowlisted': 'This host is not on the list of allowed hosts.',
  'dns-failure': 'The host name could not be resolved.',
  'blocked-address': 'The URL points to an address that is not allowed.',
  'too-many-redirects': 'The URL redirected too many times.',
  'response-too-large': 'The response from the URL is too large.',
  'timeout': 'The URL took too long to respond.',
  'connection-failed': 'The URL could not be fetched.',
};

/**
 * Refusal with a reason code; the message never echoes resolved addresses (no internal-DNS oracle).
 * `host` is the host of the hop that failed, which after a redirect is not the URL first given.
 */
export class SsrfBlockedError extends UnprocessableError {
  readonly host: string | undefined;

  constructor(readonly reason: SsrfBlockReason, options?: ErrorOptions & { host?: string }) {
    super(MESSAGES[reason], options);
    this.host = options?.host;
  }
}

export interface ValidatedUrl {
  url: URL;
  /** Every address the host resolved to, all checked; safeFetch connects only to these. */
  addresses: readonly LookupAddress[];
}

export interface OutboundUrlOptions {
  /** Replaces DNS (tests, or a resolver you trust more). Defaults to c-ares on the system's nameservers. */
  resolver?: Resolver;
  /** When set, only these host names (or IP literals) may be fetched at all. */
  allowHosts?: readonly string[];
  /** TEST ONLY: permits exactly 127.0.0.1 and ::1 on exactly this port. Opens no other range. */
  allowLoopbackPort?: number;
  signal?: AbortSignal;
}

export interface SafeFetchOptions extends OutboundUrlOptions {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  body?: string | Uint8Array;
  /** Covers every hop, DNS included, and the whole body. Default 10 s. */
  timeoutMs?: number;
  /** Default 1 MiB; checked against Content-Length and while streaming. */
  maxResponseBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Dropped, like credentials, when a redirect leaves the origin (e.g. a signature meant for one receiver). */
  originBoundHeaders?: readonly string[];
}

export interface SafeFetchResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The final URL, after redirects. */
  url: string;
  redirects: number;
}

// Public unicast is the only thing allowed: ipaddr.js's range() must say 'unicast' AND the address
// must be outside these (belt and braces, and ranges ipaddr.js files under 'unicast'). Ranges that
// embed an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible) are blocked whole rather than
// unwrapped: nothing a server needs to fetch lives there. IPv4-mapped (::ffff:a.b.c.d) is unwrapped.
const BLOCKED_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
].map((cidr) => ipaddr.IPv4.parseCIDR(cidr));
const BLOCKED_V6 = [
  '::/96', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32', '2002::/16',
  '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8',
].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** True unless `ip` is a strictly written, public unicast IPv4/IPv6 address. Unparseable → blocked. */
export function isBlockedAddress(ip: string): boolean {
  if (isIP(ip) === 0) return true;
  const parsed = ipaddr.process(ip);
  if (parsed.range() !== 'unicast') return true;
  if (parsed.kind() === 'ipv4') return BLOCKED_V4.some((cidr) => parsed.match(cidr));
  return !parsed.match(GLOBAL_UNICAST_V6) || BLOCKED_V6.some((cidr) => parsed.match(cidr));
}

export function assertPublicAddress(ip: string): void {
  if (isBlockedAddress(ip)) throw new SsrfBlockedError('blocked-address');
}

const defaultResolver = createDnsResolver();

const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');
const effectivePort = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

function isPermittedTarget(address: string, url: URL, options: OutboundUrlOptions): boolean {
  const loopbackException = options.allowLoopbackPort !== undefined && effectivePort(url) === options.allowLoopbackPort;
  if (loopbackException && (address === '127.0.0.1' || address === '::1')) return true;
  return !isBlockedAddress(address);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const isUnder = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/** Names that never reach a nameserver: `localhost` is loopback and `.invalid` never exists (RFC 6761). */
function refuseSpecialName(host: string): void {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (isUnder(name, 'localhost')) throw new SsrfBlockedError('blocked-address', { host });
  if (isUnder(name, 'invalid')) throw new SsrfBlockedError('dns-failure', { host });
}

async function resolveHost(host: string, options: OutboundUrlOptions): Promise<readonly LookupAddress[]> {
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  refuseSpecialName(host);
  try {
    const addresses = await abortable((options.resolver ?? defaultResolver)(host, options.signal), options.signal);
    if (addresses.length === 0) throw new SsrfBlockedError('dns-failure', { host });
    return addresses;
  } catch (error) {
    if (options.signal?.aborted || error instanceof SecurityError) throw error;
    throw new SsrfBlockedError('dns-failure', { cause: error, host });
  }
}

/**
 * Everything safeFetch checks before connecting, for one URL: use it when a URL is registered
 * (webhooks, avatars by URL). Passing it is not enough on its own: DNS can change before the
 * fetch, so fetch with safeFetch, which re-checks and pins the addresses.
 */
export async function validateOutboundUrl(
  input: string | URL,
  options: OutboundUrlOptions = {},
): Promise<ValidatedUrl> {
  const url = URL.canParse(String(input)) ? new URL(String(input)) : undefined;
  if (!url) throw new SsrfBlockedError('bad-url');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SsrfBlockedError('scheme');
  if (url.username !== '' || url.password !== '') throw new SsrfBlockedError('credentials');
  const host = bareHost(url);
  if (host === '') throw new SsrfBlockedError('bad-url');
  const allowed = options.allowHosts?.map((name) => name.toLowerCase().replace(/\.$/, ''));
  if (allowed && !allowed.includes(host.replace(/\.$/, ''))) throw new SsrfBlockedError('not-allowlisted');
  const addresses = await resolveHost(host, options);
  const permitted = addresses.every(({ address }) => isPermittedTarget(address, url, options));
  if (!permitted) throw new SsrfBlockedError('blocked-address', { host });
  return { url, addresses };
}

/** Host name → the addresses validated for it during this safeFetch call. */
type Pins = Map<string, readonly LookupAddress[]>;
type HopOptions = SafeFetchOptions & { signal: AbortSignal };

/** net.connect's lookup: answers only with addresses validated for this host, never asks DNS again. */
function pinnedLookup(pins: Pins): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = pins.get(hostname);
    const first = addresses?.[0];
    if (!addresses || !first) return callback(Object.assign(new Error('Address not validated'), { code: 'ENOTFOUND' }), '');
    if (options.all) return callback(null, [...addresses]);
    callback(null, first.address, first.family);
  };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

type RawHeaders = Record<string, string | string[] | undefined>;

function toHeaders(raw: RawHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const item of [value ?? []].flat()) headers.append(name, item);
  }
  return headers;
}

type ResponseBody = AsyncIterable<Uint8Array> & { destroy(): unknown; on(event: 'error', listener: () => void): unknown };

/** Closes a body we will not read; the abort error it emits is expected and swallowed. */
function discard(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readLimited(body: ResponseBody, declared: string | null, maxBytes: number): Promise<Uint8Array> {
  if (declared !== null && Number(declared) > maxBytes) {
    discard(body);
    throw new SsrfBlockedError('response-too-large');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new SsrfBlockedError('response-too-large'); // leaving the loop destroys the body
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

/**
 * fetch() for URLs that someone else chose. Redirects are followed by hand, each hop fully
 * re-validated, with fetch's semantics: 303 (and 301/302 after POST) become a body-less GET,
 * 307/308 re-send method and body; credentials headers are dropped when the origin changes.
 * The TCP connection goes to the validated address; TLS still verifies the certificate for
 * the URL's host name (SNI = host name).
 */
export async function safeFetch(input: string | URL, options: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const pins: Pins = new Map();
  const agent = new Agent({ connect: { lookup: pinnedLookup(pins) } });
  try {
    return await followHops(input, { ...options, signal }, agent, pins);
  } catch (error) {
    if (error instanceof SecurityError) throw error;
    if (timeout.aborted) throw new SsrfBlockedError('timeout', { cause: error });
    if (options.signal?.aborted) throw options.signal.reason;
    throw new SsrfBlockedError('connection-failed', { cause: error });
  } finally {
    await agent.destroy();
  }
}

async function followHops(
  input: string | URL,
  options: HopOptions,
  agent: Agent,
  pins: Pins,
): Promise<SafeFetchResponse> {
  const maxRedirects = options.maxRedirects ?? 3;
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  const headers = new Headers(options.headers);
  let target = input;
  for (let redirects = 0; ; redirects++) {
    const { url, addresses } = await validateOutboundUrl(target, options);
    pins.set(bareHost(url), addresses);
    const response = await request(
      url,
      { dispatcher: agent, method, headers: Object.fromEntries(headers), body, signal: options.signal },
    );
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== 'string') {
      const responseHeaders = toHeaders(response.headers);
      const bytes = await readLimited(response.body, responseHeaders.get('content-length'), options.maxResponseBytes ?? 1024 * 1024);
      return { status: response.statusCode, headers: responseHeaders, body: bytes, url: url.href, redirects };
    }
    discard(response.body);
    if (redirects >= maxRedirects) throw new SsrfBlockedError('too-many-redirects');
    if (!URL.canParse(location, url.href)) throw new SsrfBlockedError('bad-url');
    const next = new URL(location, url);
    const originBound = [...CREDENTIAL_HEADERS, ...(options.originBoundHeaders ?? [])];
    if (next.origin !== url.origin) originBound.forEach((name) => headers.delete(name));
    if ((response.statusCode === 303 && method !== 'HEAD') || ([301, 302].includes(response.statusCode) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      BODY_HEADERS.forEach((name) => headers.delete(name));
    }
    target = next;
  }
}
