import { CSRF_COOKIE_NAME, CSRF_COOKIE_NAME_PLAIN, CSRF_HEADER_NAME } from '@/server/auth/csrf-names';
import { getConfig } from '@/server/core/config';
import { setCookie } from '@/server/security/cookies';
import { createCsrfToken, sameToken, verifyCsrfToken } from '@/server/security/csrf';
import { readCookie, sessionCookieName } from './cookie-read';
import { purposeKeys } from './keys';

/** `__Host-` whenever cookies are Secure (see csrf-names.ts). */
export function csrfCookieName(): string {
  return getConfig().secureCookies ? CSRF_COOKIE_NAME : CSRF_COOKIE_NAME_PLAIN;
}

/** What the token is bound to: the session cookie as the browser holds it ('' before sign-in). */
export function csrfBinding(headers: Headers): string {
  return readCookie(headers, sessionCookieName()) ?? '';
}

/**
 * Readable by script on purpose — the tRPC client copies it into a header. SameSite=Strict so
 * it never rides a cross-site request; the HMAC binding makes a planted value useless.
 */
export function issueCsrfCookie(resHeaders: Headers, binding: string): void {
  const config = getConfig();
  setCookie(resHeaders, csrfCookieName(), createCsrfToken(purposeKeys('csrf')[0] ?? '', binding), {
    httpOnly: false,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: '/',
  });
}

export function hasValidCsrfCookie(headers: Headers): boolean {
  return verifyCsrfToken(purposeKeys('csrf'), readCookie(headers, csrfCookieName()), csrfBinding(headers));
}

/** The double-submit check for a mutation: header equals cookie, and the cookie is ours for this session. */
export function csrfTokenMatches(headers: Headers): boolean {
  return sameToken(headers.get(CSRF_HEADER_NAME), readCookie(headers, csrfCookieName())) && hasValidCsrfCookie(headers);
}
