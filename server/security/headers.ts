// Hardened response headers: a strict nonce-based Content-Security-Policy and the rest of the
// page set (HSTS, Referrer-Policy, Permissions-Policy, COOP, frame and sniffing guards).
// Framework-free: returns plain header maps. Copy alone.

/** Internal request headers, set only by our own boundary after deleting any inbound copy. */
export const CLIENT_IP_HEADER = 'x-bastion-client-ip';
export const NONCE_HEADER = 'x-nonce';

export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/**
 * Scripts run only with this request's nonce ('strict-dynamic' lets them load their chunks);
 * no plugins, no <base>, no framing, forms post only to us. 'unsafe-eval' only in development,
 * where React uses eval for better stack traces.
 */
export function contentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  const script = [`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`, ...(options.development ? [`'unsafe-eval'`] : [])];
  return [
    `default-src 'self'`,
    `script-src ${script.join(' ')}`,
    // Development tooling injects inline styles; a nonce would make browsers ignore 'unsafe-inline'.
    options.development ? `style-src 'self' 'unsafe-inline'` : `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${options.development ? ' ws: wss:' : ''}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `frame-ancestors 'none'`,
    `form-action 'self'`,
    ...(options.development ? [] : ['upgrade-insecure-requests']),
  ].join('; ');
}

export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
  'browsing-topics=()',
].join(', ');

const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
});
const PAGE_HEADERS_IN_PRODUCTION: Readonly<Record<string, string>> = Object.freeze({
  ...PAGE_HEADERS,
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
});

/**
 * The headers every page and API response gets, built once (every refusal and response reads
 * them). HSTS only in production (browsers pin it for a year).
 */
export const pageSecurityHeaders = ({ production }: { production: boolean }): Readonly<Record<string, string>> =>
  (production ? PAGE_HEADERS_IN_PRODUCTION : PAGE_HEADERS);

/** Headers for static files: defence in depth if a hostile file ever lands in public/. */
export const DEFAULT_STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': `default-src 'none'; sandbox`,
  'Cross-Origin-Resource-Policy': 'same-site',
});
