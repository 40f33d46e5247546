// Attacks the headers next.config.mjs gives files in public/: a static set that drifted from headers.ts,
// a catch-all rule that would override pages, or an immutable cache on a name without a content hash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATIC_SECURITY_HEADERS } from '../server/security/headers';

type HeaderRule = { source: string; headers: { key: string; value: string }[] };
type NextConfigModule = {
  DEFAULT_STATIC_SECURITY_HEADERS: Readonly<Record<string, string>>;
  IMMUTABLE_CACHE: string;
  SHORT_CACHE: string;
  cacheControlFor(path: string): string;
  staticHeaderRules(publicDir: string, headers?: Record<string, string>): HeaderRule[];
  default: { poweredByHeader?: boolean; headers?: () => Promise<HeaderRule[]> };
};

// next.config.mjs only imports node:fs and node:path, so it loads under Vitest. A computed specifier keeps tsc
// (allowJs: false) from demanding declarations for the .mjs file.
const NEXT_CONFIG = new URL('../next.config.mjs', import.meta.url).href;

describe('next.config.mjs: headers of public files', () => {
  let config: NextConfigModule;
  let publicDir: string;

  beforeAll(async () => {
    config = (await import(NEXT_CONFIG)) as NextConfigModule;
    publicDir = mkdtempSync(join(tmpdir(), 'bastion-public-'));
    mkdirSync(join(publicDir, 'img', 'v2'), { recursive: true });
    writeFileSync(join(publicDir, 'robots.txt'), 'User-agent: *');
    writeFileSync(join(publicDir, 'img', 'logo.svg'), '<svg/>');
    writeFileSync(join(publicDir, 'img', 'v2', 'logo.svg'), '<svg/>');
    writeFileSync(join(publicDir, 'app.3f9a1c2b.css'), '');
  });

  afterAll(() => {
    if (publicDir) rmSync(publicDir, { recursive: true, force: true });
  });

  it('is the same set in headers.ts and next.config.mjs (the two copies must not drift)', () => {
    expect({ ...config.DEFAULT_STATIC_SECURITY_HEADERS }).toEqual({ ...DEFAULT_STATIC_SECURITY_HEADERS });
    expect(Object.isFrozen(config.DEFAULT_STATIC_SECURITY_HEADERS)).toBe(true);
  });

  it.each([
    ['/app.3f9a1c2b.css', 'immutable'],
    ['/chunk-0123456789abcdef.js', 'immutable'],
    ['/img/v2/logo.svg', 'immutable'],
    ['/favicon.ico', 'short'],
    ['/robots.txt', 'short'],
    ['/img/logo.svg', 'short'],
    ['/app.3f9a1c.css', 'short'],
    ['/app.zzzzzzzz.css', 'short'],
    ['/v2', 'short'],
    ['/reports/report-20240101.pdf', 'short'],
    ['/files/export-deadbeef.pdf', 'short'],
  ])('caches %s as %s', (path, kind) => {
    expect(config.cacheControlFor(path)).toBe(kind === 'immutable' ? config.IMMUTABLE_CACHE : config.SHORT_CACHE);
  });

  it('uses a year-long immutable cache and a revalidated short one', () => {
    expect(config.IMMUTABLE_CACHE).toBe('public, max-age=31536000, immutable');
    expect(config.SHORT_CACHE).toMatch(/must-revalidate/);
    expect(config.SHORT_CACHE).not.toMatch(/immutable/);
  });

  it('builds one rule per file and per directory, each with the static set and a Cache-Control', () => {
    const rules = config.staticHeaderRules(publicDir);
    const bySource = new Map(rules.map((rule) => [
      rule.source,
      Object.fromEntries(rule.headers.map(({ key, value }) => [key, value])),
    ]));
    expect([...bySource.keys()].sort()).toEqual(['/app.3f9a1c2b.css', '/img/:path*', '/img/logo.svg', '/img/v2/:path*', '/img/v2/logo.svg', '/robots.txt']);
    for (const headers of bySource.values()) {
      expect(headers).toMatchObject(DEFAULT_STATIC_SECURITY_HEADERS);
      expect(headers['Cache-Control']).toBeDefined();
    }
    expect(bySource.get('/app.3f9a1c2b.css')?.['Cache-Control']).toBe(config.IMMUTABLE_CACHE);
    expect(bySource.get('/robots.txt')?.['Cache-Control']).toBe(config.SHORT_CACHE);
    expect(bySource.get('/img/:path*')?.['Cache-Control']).toBe(config.SHORT_CACHE);
  });

  it('scopes the rules to public/ files only (no catch-all that would override pages)', async () => {
    expect(config.default.poweredByHeader).toBe(false);
    const rules = (await config.default.headers?.()) ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.source).not.toMatch(/^\/(:path\*|\(\.\*\))?$/);
      expect(rule.source.startsWith('/_next')).toBe(false);
    }
    expect(rules.map((rule) => rule.source)).toContain('/robots.txt');
  });
});
