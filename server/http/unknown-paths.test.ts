import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnknownPaths } from './unknown-paths';

const dir = mkdtempSync(join(tmpdir(), 'unknown-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buildWith(manifest: object, publicFiles: string[] = []): UnknownPaths | null {
  const build = mkdtempSync(join(dir, 'build-'));
  mkdirSync(join(build, '.next'));
  writeFileSync(join(build, '.next', 'routes-manifest.json'), JSON.stringify(manifest));
  for (const file of publicFiles) {
    mkdirSync(join(build, 'public', file, '..'), { recursive: true });
    writeFileSync(join(build, 'public', file), '');
  }
  return UnknownPaths.fromBuild(build);
}

const route = (page: string, regex: string) => ({ page, regex });
const manifest = {
  staticRoutes: [route('/', '^/(?:/)?$'), route('/login', '^/login(?:/)?$'), route('/_not-found', '^/_not\\-found(?:/)?$')],
  dynamicRoutes: [route('/posts/[id]', '^/posts/([^/]+?)(?:/)?$')],
  redirects: [{ regex: '^/old(?:/)?$' }],
  rewrites: { beforeFiles: [], afterFiles: [{ regex: '^/docs(?:/(.*))?$' }], fallback: [] },
};

describe('UnknownPaths', () => {
  it('is off without a production build to read', () => {
    expect(UnknownPaths.fromBuild(mkdtempSync(join(dir, 'empty-')))).toBeNull();
  });

  it('knows routes, redirects, rewrites, public files and build assets as Next matches them', () => {
    const unknown = buildWith(
      { ...manifest, staticRoutes: [...manifest.staticRoutes, route('/café', '^/café(?:/)?$')] },
      ['robots.txt', 'demo/page.html'],
    );
    for (const path of [
      '/', '/login', '/login/', '/login.rsc', '/posts/1', '/old', '/docs/a/b', '/robots.txt', '/%72obots.txt',
      '/demo/page.html', '/_next/static/chunks/x.js', '/bad%', '/caf%C3%A9', '/OLD', '/Docs/a',
    ]) expect(unknown?.has(path), path).toBe(false);
  });

  it('calls unknown what none of them serves, Next\'s internal pages included', () => {
    const unknown = buildWith(manifest, ['robots.txt']);
    for (const path of ['/nothing', '/LOGIN', '/%6Cogin', '/posts/1/2', '/_not-found', '/_next/image', '/robots.txt/x']) {
      expect(unknown?.has(path), path).toBe(true);
    }
  });

  it('reads rewrites given as one list, and matches them by case when the build says so', () => {
    const unknown = buildWith({ ...manifest, rewrites: [{ regex: '^/blog(?:/)?$' }], caseSensitive: true });
    expect(unknown?.has('/blog')).toBe(false);
    expect(unknown?.has('/BLOG')).toBe(true);
    expect(unknown?.has('/docs')).toBe(true);
  });
});
