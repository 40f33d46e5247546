import { randomUUID } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { getConfig } from '@/server/core/config';
import { setCookie } from '@/server/security/cookies';
import { decodeCookieValue, readCookie } from './cookie-read';
import { sealingPasswords } from './keys';

// A "device cookie" (OWASP): a sealed list of accounts that signed in successfully from this
// browser. The per-account and per-IP login budgets do not apply to them, so an attacker who burns
// an account's budget elsewhere, or a busy shared address, cannot lock its owner out of their own
// browsers. Each cookie carries a random device id with a login budget of its own (OWASP's
// per-device lockout), so a copied cookie is worth one budget, however many IPs it is replayed
// from. Each entry names the account's credential epoch: a reset, a change or "sign out
// everywhere" bumps it, and every older entry stops counting.
const MAX_ACCOUNTS = 5;
const LIFETIME_SECONDS = 365 * 24 * 60 * 60;

/** `base` with the `__Host-` prefix wherever cookies are Secure, so no sibling subdomain can set it. */
export const hostOnlyCookieName = (base: string) => (getConfig().secureCookies ? `__Host-${base}` : base);
/** What the `__Host-` prefix demands (Secure, Path=/, no Domain), and HttpOnly: for every such cookie. */
export const hostOnlyCookieOptions = () => ({ secure: getConfig().secureCookies, httpOnly: true, path: '/' }) as const;

const cookieName = () => hostOnlyCookieName('bastion_device');

export type DeviceAccount = { userId: string; epoch: number };
export type KnownDevice = { deviceId: string | null; accounts: DeviceAccount[] };

type Sealed = { d?: unknown; a?: unknown };

const NONE: KnownDevice = { deviceId: null, accounts: [] };

function accountsIn(value: unknown): DeviceAccount[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: { u?: unknown; e?: unknown }) =>
    typeof entry?.u === 'string' && Number.isInteger(entry.e) ? [{ userId: entry.u, epoch: Number(entry.e) }] : [],
  );
}

/** Unsealed with the current and every previous secret, so rotating SESSION_SECRET keeps exemptions. */
export async function readDevice(headers: Headers): Promise<KnownDevice> {
  const raw = readCookie(headers, cookieName());
  const sealed = raw === undefined || raw.length > 4096 ? undefined : decodeCookieValue(raw);
  if (!sealed) return NONE;
  const options = { password: sealingPasswords('device-seal').all, ttl: LIFETIME_SECONDS };
  const data = await unsealData<Sealed>(sealed, options).catch(() => ({}) as Sealed);
  if (typeof data.d !== 'string') return NONE;
  return { deviceId: data.d, accounts: accountsIn(data.a) };
}

/** The device id when this browser signed in to the account since its credentials last changed. */
export function knownDeviceFor(device: KnownDevice, account: { id: string; credentialEpoch: number }): string | null {
  const known = device.accounts.some((entry) => entry.userId === account.id && entry.epoch === account.credentialEpoch);
  return known ? device.deviceId : null;
}

/** Adds the account to this browser's device cookie and answers the browser's device id. */
export async function rememberDevice(
  requestHeaders: Headers,
  resHeaders: Headers,
  account: DeviceAccount,
): Promise<string> {
  const device = await readDevice(requestHeaders);
  const deviceId = device.deviceId ?? randomUUID();
  const others = device.accounts.filter((entry) => entry.userId !== account.userId);
  const entries = [account, ...others].slice(0, MAX_ACCOUNTS).map((entry) => ({ u: entry.userId, e: entry.epoch }));
  const options = { password: sealingPasswords('device-seal').current, ttl: LIFETIME_SECONDS };
  const sealed = await sealData({ d: deviceId, a: entries }, options);
  setCookie(resHeaders, cookieName(), sealed, { ...hostOnlyCookieOptions(), maxAge: LIFETIME_SECONDS, sameSite: 'lax' });
  return deviceId;
}
