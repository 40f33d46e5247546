import { sealData, unsealData } from 'iron-session';
import { getConfig } from '@/server/config';
import { setCookie } from '@/server/security/cookies';
import { readCookie } from './cookie-read';

// A "device cookie" (OWASP): a sealed list of accounts that signed in successfully from this
// browser. The per-account login budget does not apply to them, so an attacker who burns an
// account's budget elsewhere cannot lock its owner out of their own browsers.
const MAX_ACCOUNTS = 5;
const LIFETIME_SECONDS = 365 * 24 * 60 * 60;

const cookieName = () => (getConfig().secureCookies ? '__Host-bastion_device' : 'bastion_device');
const password = () => getConfig().sessionSecrets[0] ?? '';

export async function knownDeviceUserIds(headers: Headers): Promise<string[]> {
  const sealed = readCookie(headers, cookieName());
  if (!sealed || sealed.length > 4096) return [];
  const data = await unsealData<{ u?: unknown }>(decodeURIComponent(sealed), { password: password(), ttl: LIFETIME_SECONDS }).catch(() => ({ u: [] }));
  return Array.isArray(data.u) ? data.u.filter((id): id is string => typeof id === 'string') : [];
}

export async function rememberDevice(requestHeaders: Headers, resHeaders: Headers, userId: string): Promise<void> {
  const known = (await knownDeviceUserIds(requestHeaders)).filter((id) => id !== userId);
  const sealed = await sealData({ u: [userId, ...known].slice(0, MAX_ACCOUNTS) }, { password: password(), ttl: LIFETIME_SECONDS });
  setCookie(resHeaders, cookieName(), sealed, {
    maxAge: LIFETIME_SECONDS,
    sameSite: 'lax',
    secure: getConfig().secureCookies,
    httpOnly: true,
    path: '/',
  });
}
