// Opaque single-use tokens (activation, password reset, session ids): 32 random bytes sent once,
// only their SHA-256 stored. Plain SHA-256 suffices: 256 bits of entropy cannot be brute-forced,
// and a fast, unsalted hash lets the database find the row by an index. Passwords are
// low-entropy and need a slow, salted hash instead (argon2id, ./password.ts). Copy alone.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const MAX_PLAINTEXT = 512;
const HEX_64 = /^[0-9a-f]{64}$/;

export function generateOpaqueToken(bytes = 32): { plaintext: string; tokenHash: string } {
  if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError('opaque tokens need at least 16 random bytes');
  const plaintext = randomBytes(bytes).toString('base64url');
  return { plaintext, tokenHash: hashOpaqueToken(plaintext) };
}

export function hashOpaqueToken(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** Constant-time comparison; false (never an exception) for anything malformed. */
export function verifyOpaqueToken(plaintext: unknown, hash: unknown): boolean {
  if (typeof plaintext !== 'string' || typeof hash !== 'string') return false;
  if (plaintext.length === 0 || plaintext.length > MAX_PLAINTEXT || !HEX_64.test(hash)) return false;
  return timingSafeEqual(Buffer.from(hashOpaqueToken(plaintext), 'hex'), Buffer.from(hash, 'hex'));
}
