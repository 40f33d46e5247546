import { getSecretBox } from '@/server/core/encryption';

// Bound to the user's id: a sealed secret copied onto another account's row does not open there.
const context = (userId: string) => `users:${userId}:totp`;

/** The secret sealed with ENCRYPTION_KEY (AES-256-GCM): a database dump alone yields no working secret. */
export function sealTotpSecret(userId: string, secret: Uint8Array): string {
  return getSecretBox().encrypt(Buffer.from(secret).toString('base64'), context(userId));
}

export function openTotpSecret(userId: string, sealed: string): Uint8Array {
  return new Uint8Array(Buffer.from(getSecretBox().decrypt(sealed, context(userId)), 'base64'));
}
