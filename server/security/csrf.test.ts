// Attacks CSRF defences: foreign and look-alike origins, missing Origin, and forged, replayed, tampered or cross-
// session double-submit tokens.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkRequestOrigin, createCsrfToken, SAFE_METHODS, sameToken, verifyCsrfToken } from './csrf';

const APP_ORIGIN = 'https://app.example.com';
const ALLOWED = [APP_ORIGIN] as const;
const SECRET = 'a-long-random-session-secret-0123456789abcdef';
const OTHER_SECRET = 'another-long-random-secret-fedcba9876543210xyz';
const SESSION = 'Fe26.2**sealed-session-cookie-of-alice';
const OTHER_SESSION = 'Fe26.2**sealed-session-cookie-of-mallory';

const headers = (init: Record<string, string>) => new Headers(init);

describe('SAFE_METHODS', () => {
  it('exempts only GET, HEAD and OPTIONS', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(SAFE_METHODS.has(method)).toBe(true);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT', 'get', 'post', '']) expect(SAFE_METHODS.has(method)).toBe(false);
  });
});

describe('checkRequestOrigin', () => {
  it('accepts the exact app origin, with or without a session', () => {
    expect(checkRequestOrigin(headers({ origin: APP_ORIGIN }), ALLOWED, true)).toEqual({ ok: true });
    expect(checkRequestOrigin(headers({ origin: APP_ORIGIN }), ALLOWED, false)).toEqual({ ok: true });
  });

  it('accepts any of several configured origins', () => {
    const allowed = [APP_ORIGIN, 'https://admin.example.com'];
    expect(checkRequestOrigin(headers({ origin: 'https://admin.example.com' }), allowed, true)).toEqual({ ok: true });
  });

  it.each([
    'https://evil.com',
    'null',
    'https://app.example.com.evil.com',
    'https://evil-app.example.com',
    'https://example.com',
    'https://sub.app.example.com',
    'https://app.example.co',
    'https://app.example.com:8443',
    'https://app.example.com:443',
    'http://app.example.com',
    'HTTPS://APP.EXAMPLE.COM',
    'https://app.example.com/',
    'https://app.example.com/path',
    'https://app.example.com, https://evil.com',
    'https://user@app.example.com',
    '',
  ])('refuses the Origin %j as foreign, session or not', (origin) => {
    expect(checkRequestOrigin(headers({ origin }), ALLOWED, true)).toEqual({ ok: false, reason: 'foreign-origin' });
    expect(checkRequestOrigin(headers({ origin }), ALLOWED, false)).toEqual({ ok: false, reason: 'foreign-origin' });
  });

  it('lets a present Origin decide, whatever Sec-Fetch-Site claims', () => {
    expect(checkRequestOrigin(headers({ 'origin': 'https://evil.com', 'sec-fetch-site': 'same-origin' }), ALLOWED, true)).toEqual({ ok: false, reason: 'foreign-origin' });
    expect(checkRequestOrigin(headers({ 'origin': APP_ORIGIN, 'sec-fetch-site': 'cross-site' }), ALLOWED, true)).toEqual({ ok: true });
  });

  it('accepts Sec-Fetch-Site: same-origin when Origin is absent', () => {
    expect(checkRequestOrigin(headers({ 'sec-fetch-site': 'same-origin' }), ALLOWED, true)).toEqual({ ok: true });
  });

  it.each(['same-site', 'cross-site', 'none', 'Same-Origin', 'same-origin, cross-site', ''])('refuses Sec-Fetch-Site %j when Origin is absent', (site) => {
    expect(checkRequestOrigin(headers({ 'sec-fetch-site': site }), ALLOWED, true)).toEqual({ ok: false, reason: 'cross-site-fetch' });
    expect(checkRequestOrigin(headers({ 'sec-fetch-site': site }), ALLOWED, false)).toEqual({ ok: false, reason: 'cross-site-fetch' });
  });

  it('refuses a request with neither header when it carries a session, and lets a session-less one through', () => {
    expect(checkRequestOrigin(headers({}), ALLOWED, true)).toEqual({ ok: false, reason: 'no-origin-with-session' });
    expect(checkRequestOrigin(headers({ referer: `${APP_ORIGIN}/page` }), ALLOWED, true)).toEqual({ ok: false, reason: 'no-origin-with-session' });
    expect(checkRequestOrigin(headers({}), ALLOWED, false)).toEqual({ ok: true });
  });

  it('refuses every Origin when no origin is allowed', () => {
    expect(checkRequestOrigin(headers({ origin: APP_ORIGIN }), [], false)).toEqual({ ok: false, reason: 'foreign-origin' });
  });
});

describe('createCsrfToken / verifyCsrfToken', () => {
  it('makes a token of two base64url parts that verifies for its own session', () => {
    const token = createCsrfToken(SECRET, SESSION);
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyCsrfToken([SECRET], token, SESSION)).toBe(true);
  });

  it('is an HMAC-SHA256 under the secret over the random part and a digest of the binding', () => {
    const token = createCsrfToken(SECRET, SESSION);
    const [random, mac] = token.split('.');
    const bindingDigest = createHash('sha256').update(SESSION).digest('hex');
    expect(mac).toBe(createHmac('sha256', SECRET).update(`${random}|${bindingDigest}`).digest('base64url'));
  });

  it('never repeats a token for the same session', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => createCsrfToken(SECRET, SESSION)));
    expect(tokens.size).toBe(1000);
    const randoms = new Set([...tokens].map((t) => t.split('.')[0]));
    expect(randoms.size).toBe(1000);
  });

  it('refuses a token made for another session, and a pre-sign-in token once signed in (and vice versa)', () => {
    expect(verifyCsrfToken([SECRET], createCsrfToken(SECRET, OTHER_SESSION), SESSION)).toBe(false);
    expect(verifyCsrfToken([SECRET], createCsrfToken(SECRET, ''), SESSION)).toBe(false);
    expect(verifyCsrfToken([SECRET], createCsrfToken(SECRET, SESSION), '')).toBe(false);
    expect(verifyCsrfToken([SECRET], createCsrfToken(SECRET, ''), '')).toBe(true);
  });

  it('refuses a token bound to a session that differs by one character or by a suffix', () => {
    const token = createCsrfToken(SECRET, SESSION);
    expect(verifyCsrfToken([SECRET], token, `${SESSION.slice(0, -1)}X`)).toBe(false);
    expect(verifyCsrfToken([SECRET], token, `${SESSION}x`)).toBe(false);
    expect(verifyCsrfToken([SECRET], token, SESSION.slice(0, -1))).toBe(false);
  });

  it('refuses a token signed with another secret, and accepts one signed with any configured (rotated) secret', () => {
    const foreign = createCsrfToken(OTHER_SECRET, SESSION);
    expect(verifyCsrfToken([SECRET], foreign, SESSION)).toBe(false);
    expect(verifyCsrfToken([SECRET, OTHER_SECRET], foreign, SESSION)).toBe(true);
    expect(verifyCsrfToken([OTHER_SECRET, SECRET], createCsrfToken(SECRET, SESSION), SESSION)).toBe(true);
    expect(verifyCsrfToken([], createCsrfToken(SECRET, SESSION), SESSION)).toBe(false);
  });

  it('refuses a token whose random part was swapped for another token\u2019s (the MAC covers it)', () => {
    const [randomA, macA] = createCsrfToken(SECRET, SESSION).split('.');
    const [randomB, macB] = createCsrfToken(SECRET, SESSION).split('.');
    expect(verifyCsrfToken([SECRET], `${randomA}.${macB}`, SESSION)).toBe(false);
    expect(verifyCsrfToken([SECRET], `${randomB}.${macA}`, SESSION)).toBe(false);
  });

  it('refuses tampered tokens: every single-character change of the MAC or the random part', () => {
    const token = createCsrfToken(SECRET, SESSION);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const tampered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      expect(verifyCsrfToken([SECRET], tampered, SESSION), tampered).toBe(false);
    }
  });

  it('refuses truncated, extended and restructured tokens', () => {
    const token = createCsrfToken(SECRET, SESSION);
    const [random, mac] = token.split('.') as [string, string];
    const variants = [
      token.slice(0, -1),
      `${token}A`,
      `${token}=`,
      `${token}.`,
      `${token}.extra`,
      `.${token}`,
      random,
      `${random}.`,
      `.${mac}`,
      mac,
      `${mac}.${random}`,
      ` ${token}`,
      `${token} `,
      `${token}\u0000`,
      token.replace('.', '|'),
      `${random}.${Buffer.from(mac, 'base64url').toString('base64')}`,
      `${random}.${Buffer.from(mac, 'base64url').toString('hex')}`,
      encodeURIComponent(token).replace(/\./, '%2E'),
    ];
    for (const variant of variants) expect(verifyCsrfToken([SECRET], variant, SESSION), variant).toBe(false);
  });

  it('refuses a MAC computed with an empty secret or over the raw binding', () => {
    const random = 'AAAAAAAAAAAAAAAAAAAAAAAA';
    const digest = createHash('sha256').update(SESSION).digest('hex');
    expect(verifyCsrfToken([SECRET], `${random}.${createHmac('sha256', '').update(`${random}|${digest}`).digest('base64url')}`, SESSION)).toBe(false);
    expect(verifyCsrfToken([SECRET], `${random}.${createHmac('sha256', SECRET).update(`${random}|${SESSION}`).digest('base64url')}`, SESSION)).toBe(false);
    expect(verifyCsrfToken([SECRET], `${random}.${createHmac('sha256', SECRET).update(`${random}|${digest}`).digest('base64url')}`, SESSION)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a dot', '.'],
    ['two dots', '..'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 12345],
    ['an object', { toString: () => 'a.b' }],
    ['an array of the two parts', ['a', 'b']],
    ['a Buffer', Buffer.from('a.b')],
    ['a huge string', `${'A'.repeat(1_000_000)}.${'B'.repeat(43)}`],
    ['a string with many dots', '.'.repeat(199)],
  ])('returns false without throwing for %s', (_label, token) => {
    expect(() => verifyCsrfToken([SECRET], token, SESSION)).not.toThrow();
    expect(verifyCsrfToken([SECRET], token, SESSION)).toBe(false);
  });

  it('does not throw for a MAC of non-ASCII characters whose byte length could match', () => {
    const [random] = createCsrfToken(SECRET, SESSION).split('.');
    for (const mac of ['\u00e9'.repeat(43), '\u00e9'.repeat(21) + 'a', '\u{1F511}'.repeat(11)]) {
      expect(() => verifyCsrfToken([SECRET], `${random}.${mac}`, SESSION)).not.toThrow();
      expect(verifyCsrfToken([SECRET], `${random}.${mac}`, SESSION)).toBe(false);
    }
  });
});

describe('sameToken (double-submit comparison)', () => {
  it('is true only for identical, non-empty header and cookie values', () => {
    const token = createCsrfToken(SECRET, SESSION);
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(token, createCsrfToken(SECRET, SESSION))).toBe(false);
    expect(sameToken(token, token.slice(0, -1))).toBe(false);
    expect(sameToken(token.slice(0, -1), token)).toBe(false);
    expect(sameToken(token, `${token} `)).toBe(false);
    expect(sameToken('abc.DEF', 'abc.def')).toBe(false);
  });

  it('is false when either side is missing or empty', () => {
    const token = createCsrfToken(SECRET, SESSION);
    expect(sameToken(null, token)).toBe(false);
    expect(sameToken(token, undefined)).toBe(false);
    expect(sameToken('', '')).toBe(false);
    expect(sameToken(null, undefined)).toBe(false);
  });

  it('does not throw for values whose UTF-8 lengths differ from their string lengths', () => {
    expect(sameToken('\u00e9\u00e9', '\u00e9\u00e9')).toBe(true);
    expect(() => sameToken('\u00e9', 'ab')).not.toThrow();
    expect(sameToken('\u00e9', 'ab')).toBe(false);
  });
});
