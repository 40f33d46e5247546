// Paths no route serves, known from the production build before Next reads a byte: a flood of
// random URLs gets one prebuilt not-found page (no render, no nonce, no middleware), so each costs
// less than a static file. Anything the build might serve, or that cannot be told apart, goes on to Next.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { pageSecurityHeaders } from '@/server/security/headers';
import { refusal, writeRefusal } from './refusal';

type RouteRegex = { page?: string; regex: string };
type RoutesManifest = {
  staticRoutes: RouteRegex[];
  dynamicRoutes: RouteRegex[];
  redirects: RouteRegex[];
  rewrites: RouteRegex[] | Record<string, RouteRegex[]>;
  caseSensitive?: boolean;
};

const anyOf = (routes: RouteRegex[], flags = '') =>
  new RegExp(routes.map(({ regex }) => `(?:${regex})`).join('|') || '(?!)', flags);

/** Next's own file server answers these with a plain 404, cheaply, and serves the build's assets. */
const BUILD_ASSETS = '/_next/static/';
/** A page's RSC payload may be asked for under the page's path plus these suffixes. */
const RSC_SUFFIX = /(?:\.segments\/.*|\.rsc)$/;

export class UnknownPaths {
  private constructor(
    private readonly routes: readonly RegExp[],
    private readonly publicFiles: ReadonlySet<string>,
  ) {}

  /** From a production build in `dir`, or null when there is none to read (development). */
  static fromBuild(dir: string): UnknownPaths | null {
    const manifestPath = join(dir, '.next', 'routes-manifest.json');
    if (!existsSync(manifestPath)) return null;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as RoutesManifest;
    const rewrites = Array.isArray(manifest.rewrites) ? manifest.rewrites : Object.values(manifest.rewrites).flat();
    // Next's internal pages (/_not-found, /_global-error) are not addresses anyone should be served.
    const pages = [...manifest.staticRoutes, ...manifest.dynamicRoutes].filter(({ page }) => !page?.startsWith('/_'));
    // Pages match case-sensitively; redirects and rewrites ignore case unless the config says otherwise.
    const redirected = anyOf([...manifest.redirects, ...rewrites], manifest.caseSensitive ? '' : 'i');
    return new UnknownPaths([anyOf(pages), redirected], listPublicFiles(join(dir, 'public')));
  }

  /** True only when neither a route, a redirect, a rewrite nor a public file could answer `pathname`. */
  has(pathname: string): boolean {
    if (pathname.startsWith(BUILD_ASSETS)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    if (this.publicFiles.has(decoded) || this.publicFiles.has(pathname)) return false;
    // Next matches routes on the path as sent (/%6Cogin is not /login); a route spelt with
    // characters beyond ASCII can only be asked for encoded, so that spelling is decoded first.
    const spellings = /[^\p{ASCII}]/u.test(decoded) ? [pathname, decoded] : [pathname];
    const forms = spellings.flatMap((path) => {
      const page = path.replace(RSC_SUFFIX, '') || '/';
      return page === path ? [path] : [path, page];
    });
    return !this.routes.some((routes) => forms.some((path) => routes.test(path)));
  }
}

/** Files Next serves from public/: only those present at build time (it reads the folder once). */
function listPublicFiles(publicDir: string): Set<string> {
  if (!existsSync(publicDir)) return new Set();
  const entries = readdirSync(publicDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return new Set(entries.map((entry) => `/${relative(publicDir, join(entry.parentPath, entry.name)).split(sep).join('/')}`));
}

const NOT_FOUND_STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;'
  + 'color:#18181b;background:#fff}@media(prefers-color-scheme:dark){body{color:#e4e4e7;background:#18181b}a{color:#93c5fd}}';

const NOT_FOUND_PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
  + '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Page not found · Bastion</title>'
  + `<style>${NOT_FOUND_STYLE}</style></head><body><main><h1>Page not found</h1>`
  + '<p>There is nothing at this address.</p><p><a href="/">Go to the home page</a></p></main></body></html>';

/** No script at all, and the one inline style allowed by its hash: the page needs no nonce. */
export const NOT_FOUND_CONTENT_SECURITY_POLICY = `default-src 'none'; `
  + `style-src 'sha256-${createHash('sha256').update(NOT_FOUND_STYLE).digest('base64')}'; `
  + `base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const NOT_FOUND_BODY = Buffer.from(NOT_FOUND_PAGE);
const API_NOT_FOUND = refusal(404, 'Not found.');

const notFoundHeaders = (production: boolean) => ({
  ...pageSecurityHeaders({ production }),
  'Content-Security-Policy': NOT_FOUND_CONTENT_SECURITY_POLICY,
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Length': NOT_FOUND_BODY.length,
  'Cache-Control': 'private, no-store',
});
/** Built once: a flood of unknown paths costs a header write and a prebuilt body each. */
const NOT_FOUND_HEADERS = { production: notFoundHeaders(true), development: notFoundHeaders(false) };

/** The not-found answer: a JSON refusal under /api/, the prebuilt page elsewhere. */
export function writeNotFound(res: ServerResponse, pathname: string, production: boolean): void {
  if (pathname.startsWith('/api/')) return writeRefusal(res, API_NOT_FOUND, production);
  res.writeHead(404, NOT_FOUND_HEADERS[production ? 'production' : 'development']).end(NOT_FOUND_BODY);
}
