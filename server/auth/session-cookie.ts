import { sealData, unsealData } from 'iron-session';
import { getConfig } from '@/server/core/config';
import { clearCookie, setCookie } from '@/server/security/cookies';
import { sessionCookieName } from './cookie-read';
import { issueCsrfCookie } from './csrf-cookie';
import { sealingPasswords } from './keys';

type SealedSession = { t?: string };

// Sealed with a key derived for this purpose alone; cookies sealed with a raw secret (before keys
// were derived) no longer open, and their owners sign in again once.
const passwords = () => sealingPasswords('session-seal');

export async function sealSessionToken(token: string): Promise<string> {
  return sealData(
    { t: token } satisfies SealedSession,
    { password: passwords().current, ttl: getConfig().sessionAbsoluteSeconds },
  );
}

/** The token inside a sealed cookie, or null when tampered, expired or sealed with an unknown secret. */
export async function unsealSessionToken(sealed: string): Promise<{ token: string; stale: boolean } | null> {
  if (sealed.length > 4096) return null;
  const { all, currentId } = passwords();
  const data = await unsealData<SealedSession>(
    sealed,
    { password: all, ttl: getConfig().sessionAbsoluteSeconds },
  ).catch(() => ({}) as SealedSession);
  if (typeof data.t !== 'string') return null;
  // Fe26.2*<password id>*…: a seal made with a previous secret is re-sealed with the current one.
  return { token: data.t, stale: sealed.split('*')[1] !== currentId };
}

/** Sets the sealed session cookie and a CSRF token bound to it. */
export async function writeSessionCookie(headers: Headers, token: string): Promise<void> {
  const config = getConfig();
  const sealed = await sealSessionToken(token);
  issueCsrfCookie(headers, sealed);
  setCookie(headers, sessionCookieName(), sealed, {
    maxAge: config.sessionAbsoluteSeconds,
    sameSite: 'lax',
    secure: config.secureCookies,
    httpOnly: true,
    path: '/',
  });
}

export function clearSessionCookie(headers: Headers): void {
  issueCsrfCookie(headers, '');
  clearCookie(headers, sessionCookieName(), { secure: getConfig().secureCookies, path: '/', sameSite: 'lax', httpOnly: true });
}
