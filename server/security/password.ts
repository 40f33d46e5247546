// Passwords: argon2id at or above OWASP's minimum (19 MiB, t=2, p=1), hashed on libuv's thread
// pool (off the event loop), rehash when parameters change, a dummy verification that costs the
// same as a real one, and a NIST 800-63B policy. Copy with ./common-passwords.ts and argon2.
import argon2 from 'argon2';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_HASH_PARAMS = Object.freeze({ type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// NFKC so that the same passphrase typed on different keyboards (composed or not) verifies.
const normalise = (plain: string) => plain.normalize('NFKC');

export async function hashPassword(plain: string): Promise<string> {
  return argon2.hash(normalise(plain), PASSWORD_HASH_PARAMS);
}

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  if (typeof plain !== 'string' || plain.length > PASSWORD_MAX_LENGTH * 4) return false;
  try {
    return await argon2.verify(hash, normalise(plain));
  } catch {
    return false;
  }
}

export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, PASSWORD_HASH_PARAMS);
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/** One real verification against a fixed hash: call it when the user does not exist. Always false. */
export async function verifyDummyPassword(plain: string): Promise<false> {
  dummyHash ??= hashPassword('bastion-dummy-password-for-timing');
  await verifyPassword(await dummyHash, `${plain}\u0000`);
  return false;
}

export type PolicyVerdict = { ok: true } | { ok: false; message: string };

/** Length and a blocklist of common passwords; no composition rules (NIST 800-63B). */
export function checkPasswordPolicy(password: string, context: { email?: string } = {}): PolicyVerdict {
  const length = [...normalise(password)].length;
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const lowered = normalise(password).toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return { ok: false, message: 'That password is too common. Choose something less predictable.' };
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && lowered.includes(local)) return { ok: false, message: 'Do not use your email address in your password.' };
  return { ok: true };
}
