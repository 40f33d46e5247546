// Recovery codes: 80 random bits each, so their SHA-256 cannot be reversed by trying every code, and
// the database can find a code by its hash. Shown once as xxxx-xxxx-xxxx-xxxx (base32, lower case).
import { createHash, randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

export const RECOVERY_CODE_COUNT = 10;
const CODE_BYTES = 10;
const NORMALIZED = /^[a-z2-7]{16}$/;

function generateRecoveryCode(): string {
  const plain = encodeBase32LowerCaseNoPadding(randomBytes(CODE_BYTES));
  return plain.match(/.{4}/g)?.join('-') ?? plain;
}

/** Lower case, no separators or spaces; null when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | null {
  const normalized = input.toLowerCase().replace(/[\s-]/g, '');
  return NORMALIZED.test(normalized) ? normalized : null;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/** A new set: the codes to show once, and the hashes to store. */
export function generateRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  const hashes = codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code) ?? code));
  return { codes, hashes };
}
