// Client IP resolution that cannot be spoofed: the socket peer (recorded by the HTTP entry in an
// internal header) unless that peer is a configured trusted proxy, in which case the configured
// proxy header is read (X-Forwarded-For right to left, skipping our own proxies). Anything
// unparsable falls back to the peer, never to attacker-chosen text. Copy with ipaddr.js.
import ipaddr from 'ipaddr.js';

export const PEER_IP_HEADER = 'x-bastion-peer-ip';
export const UNKNOWN_IP = 'unknown';

export type ClientIpOptions = { peerHeader?: string; trustedProxies?: readonly string[]; trustedHeader?: string };
type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A dotted quad already canonical (each part 0–255, no leading zero): what parsing would give back. */
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A canonical address (IPv4-mapped IPv6 becomes IPv4), or null. Accepts "[v6]:port" and "v4:port". */
export function normaliseIp(text: string): string | null {
  let value = text.trim();
  if (value.length === 0 || value.length > 64) return null;
  // Every request's peer takes this path: ipaddr.js's parsers cost more than the rest of the middleware.
  if (CANONICAL_IPV4.test(value)) return value;
  const bracketed = value.match(/^\[([^\]]+)\](?::\d{1,5})?$/);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  if (value.includes('%')) return null;
  if (!ipaddr.isValid(value)) return null;
  if (ipaddr.IPv4.isValid(value) && !ipaddr.IPv4.isValidFourPartDecimal(value)) return null;
  const parsed = ipaddr.parse(value);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  return parsed.toString();
}

/** Validates trusted-proxy entries (IPs or CIDRs) once; throws naming the bad entry. */
export function parseTrustedProxies(list: readonly string[]): Range[] {
  return list.map((entry) => {
    try {
      if (entry.includes('/')) {
        // Strict: "10/8" or "0x0a.0.0.0/8" are refused rather than read as something unintended.
        const [address = '', bitsText = ''] = entry.split('/');
        const ip = normaliseIp(address);
        if (!ip || !/^\d{1,3}$/.test(bitsText)) throw new Error('invalid');
        const parsed = ipaddr.parse(ip);
        // An IPv4-mapped range (::ffff:10.0.0.0/104) becomes its IPv4 range, as peers do.
        const bits = Number(bitsText) - (parsed.kind() === 'ipv4' && address.includes(':') ? 96 : 0);
        if (bits < 0 || bits > (parsed.kind() === 'ipv4' ? 32 : 128)) throw new Error('invalid');
        return [parsed, bits] as Range;
      }
      const ip = normaliseIp(entry);
      if (!ip) throw new Error('invalid');
      const parsed = ipaddr.parse(ip);
      return [parsed, parsed.kind() === 'ipv4' ? 32 : 128] as Range;
    } catch {
      throw new Error(`Invalid trusted proxy entry: ${JSON.stringify(entry)}`);
    }
  });
}

/** A trusted-proxy list, parsed once, with its verdicts so far: a proxy's address is parsed once, not per request. */
type TrustedProxies = { ranges: Range[]; verdicts: Map<string, boolean> };
const MAX_VERDICTS = 4096;

function isTrusted(ip: string, { ranges, verdicts }: TrustedProxies): boolean {
  let trusted = verdicts.get(ip);
  if (trusted === undefined) {
    const parsed = ipaddr.parse(ip);
    trusted = ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
    // Bounded: a flood of distinct addresses (each checked as it passes a hop) cannot grow it.
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(ip, trusted);
  }
  return trusted;
}

const proxyCache = new Map<string, TrustedProxies>();
function trustedProxiesFor(list: readonly string[]): TrustedProxies {
  const key = list.join(',');
  let proxies = proxyCache.get(key);
  if (!proxies) proxyCache.set(key, (proxies = { ranges: parseTrustedProxies(list), verdicts: new Map() }));
  return proxies;
}

export function getClientIpFromHeaders(headers: Headers, options: ClientIpOptions = {}): string {
  const peer = normaliseIp(headers.get(options.peerHeader ?? PEER_IP_HEADER) ?? '');
  if (!peer) return UNKNOWN_IP;
  const proxies = trustedProxiesFor(options.trustedProxies ?? []);
  if (!options.trustedHeader || proxies.ranges.length === 0 || !isTrusted(peer, proxies)) return peer;
  const value = headers.get(options.trustedHeader);
  if (!value) return peer;
  if (options.trustedHeader.toLowerCase() !== 'x-forwarded-for') return normaliseIp(value) ?? peer;
  const hops = value.split(',').slice(-32);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const ip = normaliseIp(hops[i] ?? '');
    if (!ip) return peer;
    if (!isTrusted(ip, proxies)) return ip;
  }
  return normaliseIp(hops[0] ?? '') ?? peer;
}

export function getClientIp(request: Request, options: ClientIpOptions = {}): string {
  return getClientIpFromHeaders(request.headers, options);
}

/** The rate-limit bucket of an address: the /64 of an IPv6 address (one customer's prefix), an IPv4 as is. */
export function ipBucket(ip: string): string {
  if (!ipaddr.IPv6.isValid(ip) || ipaddr.IPv4.isValid(ip)) return ip;
  const parts = ipaddr.IPv6.parse(ip).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Fronts that stamp the client's address themselves, for servers that never see the socket (Next
 * without the HTTP entry: Vercel and other serverless hosts, `next start`). Each header is one the
 * front overwrites on every request, so what a client sends in it never arrives. That holds only
 * while the front is the sole way in: an origin reachable directly lets anyone write the header.
 */
export const CLIENT_IP_PRESETS = {
  /** Vercel's edge sets it to the address it accepted the connection from. */
  'vercel': 'x-vercel-forwarded-for',
  /** Cloudflare sets it to the visitor's address; firewall the origin to Cloudflare (or use a Tunnel). */
  'cloudflare': 'cf-connecting-ip',
  /** nginx with `proxy_set_header X-Real-IP $remote_addr;`, which replaces any inbound copy. */
  'nginx': 'x-real-ip',
  'x-real-ip': 'x-real-ip',
  /** Load balancers that append the peer to X-Forwarded-For: the hops you run are read from the right. */
  'x-forwarded-for': 'x-forwarded-for',
} as const;

export type ClientIpPreset = keyof typeof CLIENT_IP_PRESETS;
export type PresetOptions = { preset: ClientIpPreset; forwardedHops?: number };

/**
 * The client address a front stamped, or null when it did not. With `x-forwarded-for`, each of
 * `forwardedHops` load balancers appended the address it saw, so the client is that many entries
 * from the right; whatever the client wrote sits further left and is never read.
 */
export function getClientIpFromPreset(headers: Headers, options: PresetOptions): string | null {
  const value = headers.get(CLIENT_IP_PRESETS[options.preset]);
  if (!value) return null;
  if (options.preset !== 'x-forwarded-for') return normaliseIp(value);
  const hops = options.forwardedHops ?? 1;
  const entries = value.split(',');
  if (hops < 1 || entries.length < hops) return null;
  return normaliseIp(entries[entries.length - hops] ?? '');
}
