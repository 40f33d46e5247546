// Per-purpose keys from one configured secret (HKDF-SHA-256, RFC 5869): the key that seals
// cookies is never the key that signs CSRF tokens, so a weakness in one use reveals nothing
// about the others. Copy with nothing else; node:crypto only.
import { hkdfSync } from 'node:crypto';

const PURPOSE = /^[\w.:-]{1,100}$/;

/** A key of `bytes` bytes (default 32) for `purpose`, derived from `secret`, as base64url text. */
export function deriveKey(secret: string, purpose: string, bytes = 32): string {
  if (secret.length === 0) throw new RangeError('secret must not be empty');
  if (!PURPOSE.test(purpose)) throw new RangeError('purpose must be 1–100 of [A-Za-z0-9_.:-]');
  const sizeOk = Number.isInteger(bytes) && bytes >= 16 && bytes <= 64;
  if (!sizeOk) throw new RangeError('bytes must be an integer within [16, 64]');
  return Buffer.from(hkdfSync('sha256', secret, '', purpose, bytes)).toString('base64url');
}
