import { randomUUID } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { getConfig } from '@/server/config';
import { setCookie } from '@/server/security/cookies';
import { decodeCookieValue, readCookie } from './cookie-read';

// A "device cookie" (OWASP): a sealed list of accounts that signed in successfully from this
// browser. The per-account login budget does not apply to them, so an attacker who burns an
// account's budget elsewhere cannot lock its owner out of their own browsers. Each cookie
// carries a random device id with a login budget of its own (OWASP's per-device lockout), so a
// copied cookie is worth one budget, however many IPs it is replayed from.
const MAX_ACCOUNTS = 5;
const LIFETIME_SECONDS = 365 * 24 * 60 * 60;

const cookieName = () => (getConfig().secureCookies ? '__Host-bastion_device' : 'bastion_device');
const password = () => getConfig().sessionSecrets[0] ?? '';

export type KnownDevice = { deviceId: string | null; userIds: string[] };

export async function readDevice(headers: Headers): Promise<KnownDevice> {
  const raw = readCookie(headers, cookieName());
  const sealed = raw === undefined || raw.length > 4096 ? undefined : decodeCookieValue(raw);
  if (!sealed) return { deviceId: null, userIds: [] };
  const data = await unsealData<{ d?: unknown; u?: unknown }>(sealed, { password: password(), ttl: LIFETIME_SECONDS }).catch(() => ({}) as { d?: unknown; u?: unknown });
  // Cookies from before device ids existed carry none: they exempt nobody until renewed at the next sign-in.
  if (typeof data.d !== 'string' || !Array.isArray(data.u)) return { deviceId: null, userIds: [] };
  return { deviceId: data.d, userIds: data.u.filter((id): id is string => typeof id === 'string') };
}

export async function rememberDevice(requestHeaders: Headers, resHeaders: Headers, userId: string): Promise<void> {
  const device = await readDevice(requestHeaders);
  const known = device.userIds.filter((id) => id !== userId);
  const sealed = await sealData({ d: device.deviceId ?? randomUUID(), u: [userId, ...known].slice(0, MAX_ACCOUNTS) }, { password: password(), ttl: LIFETIME_SECONDS });
  setCookie(resHeaders, cookieName(), sealed, {
    maxAge: LIFETIME_SECONDS,
    sameSite: 'lax',
    secure: getConfig().secureCookies,
    httpOnly: true,
    path: '/',
  });
}
