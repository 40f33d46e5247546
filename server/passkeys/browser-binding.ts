import { readCookie } from '@/server/auth/cookie-read';
import { hostOnlyCookieName, hostOnlyCookieOptions } from '@/server/auth/device-cookie';
import { setCookie } from '@/server/security/cookies';
import { generateOpaqueToken, hashOpaqueToken } from '@/server/security/opaque-token';
import { CHALLENGE_SECONDS } from './challenges';

// Before sign-in there is no session to bind a challenge to: a random cookie stands in for the
// browser, and only its hash is stored with the challenge.
const cookieName = () => hostOnlyCookieName('bastion_passkey');

/** A new binding for this browser, set as a cookie; returns what the challenge is stored under. */
export function bindBrowser(resHeaders: Headers): string {
  const { plaintext, tokenHash } = generateOpaqueToken();
  setCookie(resHeaders, cookieName(), plaintext, { ...hostOnlyCookieOptions(), maxAge: CHALLENGE_SECONDS, sameSite: 'strict' });
  return `browser:${tokenHash}`;
}

/** The binding this browser's cookie names, or null without one. */
export function browserBinding(headers: Headers): string | null {
  const token = readCookie(headers, cookieName());
  return token && token.length <= 128 ? `browser:${hashOpaqueToken(token)}` : null;
}

export const sessionBinding = (sessionId: string) => `session:${sessionId}`;
