// Attacks the response-header builders: a weak or reused CSP nonce, a loosened CSP, or a missing hardening header would
// fail here.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, DEFAULT_STATIC_SECURITY_HEADERS, pageSecurityHeaders, PERMISSIONS_POLICY } from './headers';

/** Parses a CSP into directive name → sources, failing on a repeated directive (browsers ignore the repeat). */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(map.has(name), `directive ${name} repeated`).toBe(false);
    map.set(name, sources);
  }
  return map;
}

describe('createNonce', () => {
  it('is canonical base64 of 16 random bytes', () => {
    const nonce = createNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const bytes = Buffer.from(nonce, 'base64');
    expect(bytes.length).toBeGreaterThanOrEqual(16);
    expect(bytes.toString('base64')).toBe(nonce);
  });

  it('is fresh on every call', () => {
    const nonces = Array.from({ length: 2_000 }, () => createNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('uses every byte value over many calls (not a counter or a short alphabet)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i += 1) for (const byte of Buffer.from(createNonce(), 'base64')) seen.add(byte);
    expect(seen.size).toBe(256);
  });
});

describe('contentSecurityPolicy in production', () => {
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, { development: false });
  const policy = directives(csp);

  it('lets scripts run only with this nonce, plus what they load (strict-dynamic)', () => {
    expect(policy.get('script-src')).toEqual([`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`]);
  });

  it('never allows eval or inline code', () => {
    expect(csp).not.toContain(`'unsafe-eval'`);
    expect(csp).not.toContain(`'unsafe-inline'`);
    expect(csp).not.toContain(`'unsafe-hashes'`);
  });

  it('gives styles the same nonce', () => {
    expect(policy.get('style-src')).toEqual([`'self'`, `'nonce-${nonce}'`]);
  });

  it.each([
    ['default-src', [`'self'`]],
    ['object-src', [`'none'`]],
    ['base-uri', [`'none'`]],
    ['frame-ancestors', [`'none'`]],
    ['form-action', [`'self'`]],
    ['connect-src', [`'self'`]],
    ['upgrade-insecure-requests', []],
  ])('sets %s to %j', (name, sources) => {
    expect(policy.get(name)).toEqual(sources);
  });

  it('allows no wildcard or scheme-wide sources for scripts, frames or connections', () => {
    for (const name of ['default-src', 'script-src', 'connect-src', 'frame-ancestors', 'object-src', 'base-uri', 'form-action']) {
      for (const source of policy.get(name) ?? []) expect(source).not.toMatch(/^(\*|https?:|data:|blob:|ws:|wss:)$/);
    }
  });

  it('embeds a different nonce per request', () => {
    const other = contentSecurityPolicy(createNonce(), { development: false });
    expect(other).not.toBe(csp);
    expect(other).not.toContain(nonce);
  });
});

describe('contentSecurityPolicy in development', () => {
  const nonce = createNonce();
  const policy = directives(contentSecurityPolicy(nonce, { development: true }));

  it('adds unsafe-eval to script-src only', () => {
    expect(policy.get('script-src')).toEqual([`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`, `'unsafe-eval'`]);
    for (const [name, sources] of policy) if (name !== 'script-src') expect(sources).not.toContain(`'unsafe-eval'`);
  });

  it('keeps the framing, plugin, base and form guards', () => {
    expect(policy.get('object-src')).toEqual([`'none'`]);
    expect(policy.get('base-uri')).toEqual([`'none'`]);
    expect(policy.get('frame-ancestors')).toEqual([`'none'`]);
    expect(policy.get('form-action')).toEqual([`'self'`]);
  });

  it('does not upgrade to https on a plain-http dev server', () => {
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
  });
});

describe('pageSecurityHeaders', () => {
  const production = pageSecurityHeaders({ production: true });
  const development = pageSecurityHeaders({ production: false });

  it('sends HSTS in production for at least a year, with includeSubDomains', () => {
    const hsts = production['Strict-Transport-Security'];
    expect(hsts).toBeDefined();
    const maxAge = Number(/max-age=(\d+)/.exec(hsts!)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
    expect(hsts).toMatch(/;\s*includeSubDomains/);
  });

  it('sends no HSTS outside production', () => {
    expect(Object.keys(development).map((name) => name.toLowerCase())).not.toContain('strict-transport-security');
  });

  it.each([
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['X-Frame-Options', 'DENY'],
    ['Permissions-Policy', PERMISSIONS_POLICY],
  ])('sets %s to %j in every environment', (name, value) => {
    expect(production[name]).toBe(value);
    expect(development[name]).toBe(value);
  });

  it('denies powerful features to every origin in Permissions-Policy', () => {
    const entries = PERMISSIONS_POLICY.split(',').map((entry) => entry.trim());
    for (const entry of entries) expect(entry).toMatch(/^[a-z-]+=\(\)$/);
    const features = entries.map((entry) => entry.slice(0, entry.indexOf('=')));
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'display-capture']) expect(features).toContain(feature);
    expect(new Set(features).size).toBe(features.length);
  });
});

describe('static file headers', () => {
  it('sandboxes and locks down every static file', () => {
    expect(DEFAULT_STATIC_SECURITY_HEADERS).toEqual({
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': `default-src 'none'; sandbox`,
      'Cross-Origin-Resource-Policy': 'same-site',
    });
    expect(Object.isFrozen(DEFAULT_STATIC_SECURITY_HEADERS)).toBe(true);
  });
});
