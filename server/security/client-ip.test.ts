// Attacks client-IP resolution with spoofed, malformed and oversized forwarding headers: the result must be the peer or
// an address a trusted proxy wrote.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { getClientIp, getClientIpFromHeaders, ipBucket, normaliseIp, parseTrustedProxies, PEER_IP_HEADER, UNKNOWN_IP, type ClientIpOptions } from './client-ip';

const TRUSTED = ['10.0.0.0/8', 'fd00::/8'];
const PROXY_HEADERS = ['x-forwarded-for', 'x-real-ip', 'cf-connecting-ip'] as const;

function headersWith(peer: string | null, extra: Record<string, string | string[]> = {}): Headers {
  const headers = new Headers();
  if (peer !== null) headers.set(PEER_IP_HEADER, peer);
  for (const [name, value] of Object.entries(extra)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

const resolve = (
  peer: string | null,
  extra: Record<string, string | string[]>,
  options: ClientIpOptions = {},
) => getClientIpFromHeaders(headersWith(peer, extra), options);
const xff = (peer: string, value: string | string[], trustedProxies: readonly string[] = TRUSTED) =>
  resolve(peer, { 'x-forwarded-for': value }, { trustedProxies, trustedHeader: 'x-forwarded-for' });

/** An independent oracle: is `ip` inside one of `ranges` (ipaddr.js directly, IPv4-mapped unwrapped)? */
function inRanges(ip: string, ranges: readonly string[]): boolean {
  const address = ipaddr.process(ip);
  return ranges.some((range) => {
    const [base, bits] = ipaddr.parseCIDR(range);
    return base.kind() === address.kind() && address.match(base, bits);
  });
}

/**
 * Every address that literally appears in a header value, canonicalised with ipaddr.js alone (brackets and ports
 * stripped).
 */
function addressesIn(value: string, splitOnCommas: boolean): string[] {
  const tokens = splitOnCommas ? value.split(',') : [value];
  return tokens.flatMap((token) => {
    const text = token.trim();
    const variants = [text, text.replace(/^\[(.*)\](?::\d+)?$/, '$1'), text.replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1')];
    return variants.filter((variant) => ipaddr.isValid(variant)).map((variant) => ipaddr.process(variant).toString());
  });
}

const isCanonicalIp = (text: string) => ipaddr.isValid(text) && ipaddr.process(text).toString() === text;

// Header values are ByteStrings without NUL/CR/LF: tab, printable ASCII and Latin-1.
const headerChar = fc.oneof(
  fc.constant(9),
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0xff }),
).map((code) => String.fromCharCode(code));
const junk = fc.string({ unit: headerChar, maxLength: 40 });
const port = fc.integer({ min: 0, max: 99999 });
const hostileToken = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), port).map(([ip, p]) => `${ip}:${p}`),
  fc.tuple(fc.ipV6(), port).map(([ip, p]) => `[${ip}]:${p}`),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.ipV4().map((ip) => `::ffff:${ip}`),
  fc.ipV4().map((ip) => ` \t${ip} `),
  fc.constantFrom('', ' ', 'unknown', 'evil', '<script>alert(1)</script>', '\' OR 1=1 --', '%00', 'fe80::1%eth0', 'localhost', '127.1', '0x7f000001', '2130706433', '1.2.3.4.5', '[::1', ':::', '::ffff:'),
  junk,
);
const hostileHeader = fc.oneof(
  fc.tuple(fc.array(hostileToken, { maxLength: 12 }), fc.constantFrom(',', ', ', ' , ', ',,')).map(([tokens, sep]) => tokens.join(sep)),
  junk,
  fc.string({ unit: headerChar, minLength: 60, maxLength: 400 }),
);
const anyPeer = fc.oneof(fc.ipV4(), fc.ipV6()).map((ip) => normaliseIp(ip)).filter((ip): ip is string => ip !== null);
const untrustedPeer = anyPeer.filter((ip) => !inRanges(ip, TRUSTED));
const trustedV4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `10.${a}.${b}.${c}`);
const trustedV6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }).chain((rest) =>
  fc.integer({ min: 0, max: 0xff }).map((low) => {
    const bytes = [0xfd, low, ...rest.flatMap((part) => [part >> 8, part & 0xff])];
    return ipaddr.fromByteArray(bytes).toString();
  }));
const trustedPeer = fc.oneof(trustedV4, trustedV6);
const proxyHeader = fc.constantFrom(...PROXY_HEADERS);

describe('normaliseIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['  1.2.3.4\t', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['[::ffff:1.2.3.4]:443', '1.2.3.4'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::1.2.3.4', '2001:db8::102:304'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:8443', '2001:db8::1'],
    ['1.2.3.4:5678', '1.2.3.4'],
    ['::', '::'],
    ['0.0.0.0', '0.0.0.0'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseIp(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'unknown',
    'localhost',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '127.1',
    '0x7f.0.0.1',
    '0x7f000001',
    '2130706433',
    '01.2.3.4',
    '1.2.3.04',
    '::ffff:127.1',
    '::ffff:0x7f.1',
    'fe80::1%eth0',
    '[fe80::1%25eth0]:80',
    '1.2.3.4:',
    '1.2.3.4:http',
    '1.2.3.4:123456',
    '1.2.3.4, 5.6.7.8',
    '1.2.3.4 5.6.7.8',
    '[1.2.3.4',
    '1::2::3',
    '<script>alert(1)</script>',
    `1.2.3.4${' '.repeat(70)}x`,
    `${'0:'.repeat(40)}1`,
  ])('rejects %j', (input) => {
    expect(normaliseIp(input)).toBeNull();
  });

  it('refuses anything longer than 64 characters before parsing it', () => {
    expect(normaliseIp(`${'0'.repeat(60)}1.2.3.4`)).toBeNull();
    expect(normaliseIp(' '.repeat(10_000))).toBeNull();
  });

  it('reads an unbracketed IPv6 address ending in ":digits" as an address, not as host and port (the form is ambiguous)', () => {
    expect(normaliseIp('2001:db8::1:80')).toBe('2001:db8::1:80');
  });

  it('only ever answers null or a canonical address (property)', () => {
    fc.assert(
      fc.property(hostileHeader, (value) => {
        const result = normaliseIp(value);
        expect(result === null || isCanonicalIp(result)).toBe(true);
      }),
    );
  });

  it('agrees with ipaddr.js on every generated IPv4 and IPv6 address (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        expect(normaliseIp(ip)).toBe(ipaddr.process(ip).toString());
      }),
    );
  });
});

describe('parseTrustedProxies', () => {
  it('accepts single addresses and CIDRs of both families', () => {
    const ranges = parseTrustedProxies(['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8', '::ffff:10.0.0.9']);
    expect(ranges.map(([range, bits]) => `${range.toString()}/${bits}`)).toEqual(['10.0.0.1/32', '192.168.0.0/16', '::1/128', 'fd00::/8', '10.0.0.9/32']);
  });

  it('reads an IPv4-mapped CIDR as its IPv4 range, so IPv4 peers match it', () => {
    expect(parseTrustedProxies(['::ffff:10.0.0.0/104']).map(([range, bits]) => `${range.toString()}/${bits}`)).toEqual(['10.0.0.0/8']);
    expect(xff('10.9.8.7', '1.2.3.4', ['::ffff:10.0.0.0/104'])).toBe('1.2.3.4');
  });

  it.each(['abc', '', '127.1', '1.2.3.4/33', '::/129', '10.0.0.0/', '10.0.0.0/x', '1.2.3.4, 5.6.7.8', '10/8', '0x7f.0.0.1/8', '::ffff:1.2.3.4/95'])('throws naming the bad entry %j', (entry) => {
    expect(() => parseTrustedProxies(['10.0.0.1', entry])).toThrow(`Invalid trusted proxy entry: ${JSON.stringify(entry)}`);
  });

  it('surfaces a bad TRUSTED_PROXIES list when resolving rather than trusting anything', () => {
    expect(() => xff('10.0.0.2', '1.2.3.4', ['not-an-ip'])).toThrow(/Invalid trusted proxy entry/);
  });
});

describe('getClientIpFromHeaders without trusted configuration', () => {
  it('returns the peer recorded by the HTTP entry, normalised', () => {
    expect(resolve('203.0.113.7', {})).toBe('203.0.113.7');
    expect(resolve('::ffff:203.0.113.7', {})).toBe('203.0.113.7');
    expect(resolve('2001:DB8:0:0::7', {})).toBe('2001:db8::7');
  });

  it('ignores every proxy header, whatever it says', () => {
    const spoofed = { 'x-forwarded-for': '1.1.1.1', 'x-real-ip': '2.2.2.2', 'cf-connecting-ip': '3.3.3.3', 'forwarded': 'for=4.4.4.4', 'true-client-ip': '5.5.5.5' };
    expect(resolve('203.0.113.7', spoofed)).toBe('203.0.113.7');
  });

  it('answers "unknown" — never header text — when the peer is missing or unparsable', () => {
    expect(resolve(null, { 'x-forwarded-for': '1.1.1.1' })).toBe(UNKNOWN_IP);
    expect(resolve('evil', { 'x-forwarded-for': '1.1.1.1' })).toBe(UNKNOWN_IP);
    expect(resolve('1.1.1.1, 2.2.2.2', {})).toBe(UNKNOWN_IP);
  });

  it('needs both a trusted header and trusted proxies before reading a proxy header', () => {
    expect(resolve('10.0.0.2', { 'x-forwarded-for': '1.2.3.4' }, { trustedHeader: 'x-forwarded-for' })).toBe('10.0.0.2');
    expect(resolve('10.0.0.2', { 'x-forwarded-for': '1.2.3.4' }, { trustedHeader: 'x-forwarded-for', trustedProxies: [] })).toBe('10.0.0.2');
    expect(resolve('10.0.0.2', { 'x-forwarded-for': '1.2.3.4' }, { trustedProxies: TRUSTED })).toBe('10.0.0.2');
  });

  it('reads the peer from a custom peer header when told to', () => {
    expect(resolve(null, { 'x-other-peer': '198.51.100.1' }, { peerHeader: 'x-other-peer' })).toBe('198.51.100.1');
  });

  it('getClientIp reads the same headers from a Request', () => {
    const request = new Request('http://localhost/', { headers: headersWith('10.0.0.2', { 'x-forwarded-for': 'evil, 1.2.3.4, 10.0.0.5' }) });
    expect(getClientIp(request, { trustedProxies: TRUSTED, trustedHeader: 'x-forwarded-for' })).toBe('1.2.3.4');
    expect(getClientIp(request)).toBe('10.0.0.2');
  });
});

describe('getClientIpFromHeaders behind trusted proxies', () => {
  it('reads X-Forwarded-For right to left, skipping trusted proxies', () => {
    expect(xff('10.0.0.2', 'evil, 1.2.3.4, 10.0.0.5')).toBe('1.2.3.4');
  });

  it('ignores a spoofed X-Forwarded-For from an untrusted peer', () => {
    expect(xff('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
    expect(xff('11.0.0.2', '1.2.3.4')).toBe('11.0.0.2');
  });

  it('joins several X-Forwarded-For headers in order', () => {
    expect(xff('10.0.0.2', ['6.6.6.6', '1.2.3.4, 10.0.0.5'])).toBe('1.2.3.4');
    expect(xff('10.0.0.2', ['1.2.3.4', '10.0.0.5'])).toBe('1.2.3.4');
  });

  it('tolerates whitespace around hops', () => {
    expect(xff('10.0.0.2', '  6.6.6.6 ,\t1.2.3.4\t,   10.0.0.5  ')).toBe('1.2.3.4');
  });

  it('strips ports and brackets, and unwraps IPv4-mapped addresses', () => {
    expect(xff('10.0.0.2', '1.2.3.4:5678, 10.0.0.5:443')).toBe('1.2.3.4');
    expect(xff('10.0.0.2', '[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(xff('10.0.0.2', '[2001:DB8:0::1]')).toBe('2001:db8::1');
    expect(xff('10.0.0.2', '::ffff:1.2.3.4, ::ffff:10.0.0.5')).toBe('1.2.3.4');
  });

  it('falls back to the peer on an unparsable hop rather than skipping past it to attacker-chosen entries', () => {
    expect(xff('10.0.0.2', '1.2.3.4, garbage')).toBe('10.0.0.2');
    expect(xff('10.0.0.2', '1.2.3.4, ')).toBe('10.0.0.2');
    expect(xff('10.0.0.2', '1.2.3.4,,10.0.0.5')).toBe('10.0.0.2');
    expect(xff('10.0.0.2', '1.2.3.4, 0x7f.1')).toBe('10.0.0.2');
    expect(xff('10.0.0.2', '<script>alert(1)</script>')).toBe('10.0.0.2');
    expect(xff('10.0.0.2', 'unknown')).toBe('10.0.0.2');
  });

  it('falls back to the peer on an empty or absent header', () => {
    expect(xff('10.0.0.2', '')).toBe('10.0.0.2');
    expect(xff('10.0.0.2', '   ')).toBe('10.0.0.2');
    expect(resolve('10.0.0.2', {}, { trustedProxies: TRUSTED, trustedHeader: 'x-forwarded-for' })).toBe('10.0.0.2');
  });

  it('answers the leftmost hop when every hop is a trusted proxy (an internal client)', () => {
    expect(xff('10.0.0.2', '10.9.9.9, 10.0.0.5')).toBe('10.9.9.9');
  });

  it('stays cheap and correct under an oversized header', () => {
    const flood = Array.from({ length: 5_000 }, (_, i) => `6.6.${i % 256}.${i % 200}`).join(', ');
    const started = performance.now();
    expect(xff('10.0.0.2', `${flood}, 1.2.3.4, 10.0.0.5`)).toBe('1.2.3.4');
    expect(performance.now() - started).toBeLessThan(500);
    expect(xff('10.0.0.2', `${'9'.repeat(8_000)}, 10.0.0.5`)).toBe('10.0.0.2');
  });

  it('never walks past 32 hops to an attacker entry hidden behind a long trusted chain', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`);
    const result = xff('10.0.0.2', ['6.6.6.6', chain.join(', ')].join(', '));
    expect(result).not.toBe('6.6.6.6');
    expect(inRanges(result, TRUSTED)).toBe(true);
  });

  it('matches the configured header name case-insensitively', () => {
    const options = { trustedProxies: TRUSTED, trustedHeader: 'X-Forwarded-For' };
    expect(resolve('10.0.0.2', { 'X-FORWARDED-FOR': '6.6.6.6, 1.2.3.4' }, options)).toBe('1.2.3.4');
  });

  it.each(['x-real-ip', 'cf-connecting-ip'])('takes %s as a single address from a trusted peer only', (header) => {
    const options = { trustedProxies: TRUSTED, trustedHeader: header };
    expect(resolve('10.0.0.2', { [header]: ' 1.2.3.4 ' }, options)).toBe('1.2.3.4');
    expect(resolve('10.0.0.2', { [header]: '::ffff:1.2.3.4' }, options)).toBe('1.2.3.4');
    expect(resolve('10.0.0.2', { [header]: '[2001:db8::1]:443' }, options)).toBe('2001:db8::1');
    expect(resolve('203.0.113.9', { [header]: '1.2.3.4' }, options)).toBe('203.0.113.9');
    expect(resolve('10.0.0.2', { [header]: 'garbage' }, options)).toBe('10.0.0.2');
    // A client-sent copy plus the proxy's: the joined value is not one address, so the peer wins.
    expect(resolve('10.0.0.2', { [header]: ['6.6.6.6', '1.2.3.4'] }, options)).toBe('10.0.0.2');
    // Only the configured header counts.
    expect(resolve('10.0.0.2', { 'x-forwarded-for': '6.6.6.6' }, options)).toBe('10.0.0.2');
  });

  it('trusts IPv4 CIDRs by prefix', () => {
    const list = ['192.168.1.0/24'];
    expect(xff('192.168.1.77', '1.2.3.4', list)).toBe('1.2.3.4');
    expect(xff('192.168.2.1', '1.2.3.4', list)).toBe('192.168.2.1');
    expect(xff('::ffff:192.168.1.77', '1.2.3.4', list)).toBe('1.2.3.4');
    expect(xff('192.168.1.77', '1.2.3.4, 192.168.1.200, 192.168.1.3', list)).toBe('1.2.3.4');
  });

  it('trusts single addresses exactly', () => {
    expect(xff('127.0.0.1', '1.2.3.4', ['127.0.0.1'])).toBe('1.2.3.4');
    expect(xff('127.0.0.2', '1.2.3.4', ['127.0.0.1'])).toBe('127.0.0.2');
  });

  it('trusts IPv6 CIDRs by prefix and never mixes families', () => {
    const list = ['2001:db8:1::/48'];
    expect(xff('2001:db8:1::5', '1.2.3.4', list)).toBe('1.2.3.4');
    expect(xff('2001:db8:1:ffff::5', '2001:db8:9::1, 2001:db8:1::7', list)).toBe('2001:db8:9::1');
    expect(xff('2001:db8:2::5', '1.2.3.4', list)).toBe('2001:db8:2::5');
    expect(xff('10.0.0.2', '1.2.3.4', list)).toBe('10.0.0.2');
    expect(xff('2001:db8::1', '1.2.3.4', ['0.0.0.0/0'])).toBe('2001:db8::1');
    expect(xff('1.2.3.4', '5.6.7.8', ['::/0'])).toBe('1.2.3.4');
  });
});

describe('getClientIpFromHeaders properties over hostile headers', () => {
  it('(a) an untrusted peer always gets itself back, whatever the headers say', () => {
    fc.assert(
      fc.property(untrustedPeer, proxyHeader, hostileHeader, hostileHeader, (peer, trustedHeader, value, other) => {
        const headers = headersWith(peer, { [trustedHeader]: value, 'x-forwarded-for': other, 'x-real-ip': other, 'cf-connecting-ip': value });
        expect(getClientIpFromHeaders(headers, { trustedProxies: TRUSTED, trustedHeader })).toBe(peer);
        expect(getClientIpFromHeaders(headers)).toBe(peer);
      }),
    );
  });

  it('(b) a trusted peer yields itself or an address that literally appears in the header — never other text', () => {
    fc.assert(
      fc.property(trustedPeer, proxyHeader, hostileHeader, (peer, trustedHeader, value) => {
        const headers = headersWith(peer, { [trustedHeader]: value });
        const result = getClientIpFromHeaders(headers, { trustedProxies: TRUSTED, trustedHeader });
        if (result !== peer) expect(addressesIn(headers.get(trustedHeader) ?? '', trustedHeader === 'x-forwarded-for')).toContain(result);
      }),
    );
  });

  it('(c) the result always parses with ipaddr.js in canonical form, or is the peer', () => {
    const peers = fc.oneof(trustedPeer, anyPeer);
    fc.assert(
      fc.property(peers, proxyHeader, hostileHeader, fc.boolean(), (peer, trustedHeader, value, configured) => {
        const options = configured ? { trustedProxies: TRUSTED, trustedHeader } : {};
        const result = getClientIpFromHeaders(headersWith(peer, { [trustedHeader]: value }), options);
        expect(result === peer || isCanonicalIp(result)).toBe(true);
        expect(result).toMatch(/^[0-9a-f.:]+$/);
      }),
    );
  });

  it('(d) XFF with trusted proxies appended on the right answers the first untrusted address from the right', () => {
    const formatV4 = (ip: string) => fc.constantFrom(ip, ` ${ip} `, `${ip}:443`, `::ffff:${ip}`);
    const formatV6 = (ip: string) => fc.constantFrom(ip, `[${ip}]`, `[${ip}]:443`, ` ${ip.toUpperCase()} `);
    const format = (ip: string) => (ipaddr.IPv4.isValidFourPartDecimal(ip) ? formatV4(ip) : formatV6(ip));
    const client = untrustedPeer.chain((ip) => format(ip).map((text) => ({ ip, text })));
    const proxies = fc.array(trustedPeer.chain(format), { maxLength: 20 });
    const prefix = fc.array(hostileToken, { maxLength: 8 });
    fc.assert(
      fc.property(trustedPeer, prefix, client, proxies, (peer, left, { ip, text }, right) => {
        const value = [...left, text, ...right].join(', ');
        expect(xff(peer, value)).toBe(ip);
      }),
    );
  });
});

describe('ipBucket', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(ipBucket('203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups an IPv6 address by its /64', () => {
    expect(ipBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipBucket('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(ipBucket('::1')).toBe('::/64');
  });

  it('passes a non-address (the "unknown" fallback) through unchanged', () => {
    expect(ipBucket(UNKNOWN_IP)).toBe(UNKNOWN_IP);
  });

  it('gives every address of one /64 the same key and different /64s different keys (property)', () => {
    const part = fc.integer({ min: 0, max: 0xffff });
    const group = fc.array(part, { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(group, group, group, (prefix, a, b) => {
        const first = new ipaddr.IPv6([...prefix, ...a]).toString();
        const second = new ipaddr.IPv6([...prefix, ...b]).toString();
        expect(ipBucket(first)).toBe(ipBucket(second));
        expect(ipBucket(first).endsWith('/64')).toBe(true);
        const other = new ipaddr.IPv6([...prefix.slice(0, 3), (prefix[3]! + 1) % 0x10000, ...a]).toString();
        expect(ipBucket(other)).not.toBe(ipBucket(first));
      }),
    );
  });
});
