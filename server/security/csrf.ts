// CSRF, two layers. (1) An Origin / Sec-Fetch-Site check for every unsafe method at the
// boundary. (2) A signed double-submit token bound to the session: HMAC(secret, random|binding),
// so a token planted by a sibling subdomain or copied from another session is useless.
// Copy with nothing else; node:crypto only.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OriginVerdict = { ok: true } | { ok: false; reason: 'foreign-origin' | 'cross-site-fetch' | 'no-origin-with-session' };

/**
 * Decides whether an unsafe request comes from one of our own origins. Browsers send `Origin`
 * on every cross-origin and most same-origin unsafe requests; where they omit it, `Sec-Fetch-Site`
 * tells. A request with neither is refused when it carries a session cookie (only non-browser
 * clients send such requests, and they have no business riding a browser session).
 */
export function checkRequestOrigin(
  headers: Headers,
  allowedOrigins: readonly string[],
  hasSessionCookie: boolean,
): OriginVerdict {
  const origin = headers.get('origin');
  if (origin !== null) return allowedOrigins.includes(origin) ? { ok: true } : { ok: false, reason: 'foreign-origin' };
  const site = headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' ? { ok: true } : { ok: false, reason: 'cross-site-fetch' };
  return hasSessionCookie ? { ok: false, reason: 'no-origin-with-session' } : { ok: true };
}

const sign = (secret: string, random: string, binding: string) =>
  createHmac('sha256', secret).update(`${random}|${createHash('sha256').update(binding).digest('hex')}`).digest('base64url');

/** A fresh token bound to `binding` (the session cookie's value, or '' before sign-in). */
export function createCsrfToken(secret: string, binding: string): string {
  const random = randomBytes(18).toString('base64url');
  return `${random}.${sign(secret, random, binding)}`;
}

/** True when the token was made by us for this binding. Never throws. */
export function verifyCsrfToken(secrets: readonly string[], token: unknown, binding: string): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  const [random, mac, extra] = token.split('.');
  if (!random || !mac || extra !== undefined) return false;
  const given = Buffer.from(mac);
  return secrets.some((secret) => {
    const expected = Buffer.from(sign(secret, random, binding));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

/** The double-submit comparison: header and cookie must carry the same token, compared in constant time. */
export function sameToken(headerToken: string | null, cookieToken: string | undefined): boolean {
  if (!headerToken || !cookieToken) return false;
  const a = Buffer.from(headerToken);
  const b = Buffer.from(cookieToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
