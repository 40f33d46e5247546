// Hardened headers for files served from public/ (inert: nosniff, sandboxed CSP, CORP), scoped to exactly
// those files: a config Cache-Control would otherwise also override pages and /_next/static.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Headers every public file gets. Extend with `{ ...DEFAULT_STATIC_SECURITY_HEADERS, … }`. */
export const DEFAULT_STATIC_SECURITY_HEADERS = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': 'default-src \'none\'; sandbox',
  'Cross-Origin-Resource-Policy': 'same-site',
});

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const SHORT_CACHE = 'public, max-age=3600, must-revalidate';

/** Fingerprinted (`app.3f9a1c2b.css`) or versioned (`/v2/…`) assets never change under their name. */
export function cacheControlFor(path) {
  // A content hash mixes letters and digits; an all-digit run is a date or a counter (report-20240101.pdf).
  const hash = /[.-]([0-9a-f]{8,})\.[a-z0-9]+$/i.exec(path)?.[1];
  const fingerprinted = hash !== undefined && /[a-f]/i.test(hash) && /[0-9]/.test(hash);
  return fingerprinted || /\/v\d+\//.test(path) ? IMMUTABLE_CACHE : SHORT_CACHE;
}

function publicFiles(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? publicFiles(path, `${prefix}/${name}`) : [`${prefix}/${name}`];
  });
}

const toHeaders = (record) => Object.entries(record).map(([key, value]) => ({ key, value }));

/** One rule per public directory (files added later) and one per file (its own Cache-Control). */
export function staticHeaderRules(publicDir, headers = DEFAULT_STATIC_SECURITY_HEADERS) {
  const files = publicFiles(publicDir);
  const dirs = [...new Set(files.map((file) => file.slice(0, file.lastIndexOf('/'))).filter(Boolean))];
  return [
    ...dirs.map((dir) => ({ source: `${dir}/:path*`, headers: toHeaders({ ...headers, 'Cache-Control': SHORT_CACHE }) })),
    ...files.map((file) => ({ source: file, headers: toHeaders({ ...headers, 'Cache-Control': cacheControlFor(file) }) })),
  ];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Nothing uses next/image: its optimizer endpoint (/_next/image) fetches and resizes on request, so it is off.
  images: { unoptimized: true },
  serverExternalPackages: ['@node-rs/argon2', 'pino', 'ioredis', 'postgres', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
  async headers() {
    return staticHeaderRules(join(import.meta.dirname, 'public'));
  },
};

export default nextConfig;
