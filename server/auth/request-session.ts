import type { Database } from '@/db/client';
import { getConfig } from '@/server/core/config';
import { decodeCookieValue } from './cookie-read';
import { readCookie, sessionCookieName } from './cookie-read';
import { unsealSessionToken, writeSessionCookie } from './session-cookie';
import { type ValidSession, validateSessionToken } from './sessions';

export type RequestSession = ValidSession;

export function sessionPolicy() {
  const config = getConfig();
  return { idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds };
}

/** The signed-in session of a request, or null. Reads only the sealed cookie; never trusts anything else. */
export async function loadRequestSession(request: {
  db: Database;
  headers: Headers;
  resHeaders?: Headers;
}): Promise<RequestSession | null> {
  const raw = readCookie(request.headers, sessionCookieName());
  const sealed = raw === undefined ? undefined : decodeCookieValue(raw);
  if (!sealed) return null;
  const unsealed = await unsealSessionToken(sealed);
  if (!unsealed) return null;
  const session = await validateSessionToken(request.db, unsealed.token, sessionPolicy());
  if (session && unsealed.stale && request.resHeaders) await writeSessionCookie(request.resHeaders, unsealed.token);
  return session;
}
