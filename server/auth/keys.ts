import { createHash } from 'node:crypto';
import { getConfig } from '@/server/core/config';
import { processSingleton } from '@/server/core/singleton';
import { deriveKey } from '@/server/security/hkdf';

export type KeyPurpose = 'session-seal' | 'csrf' | 'device-seal';

/** The keys of one purpose, newest first: derived from SESSION_SECRET, then from each previous secret. */
export function purposeKeys(purpose: KeyPurpose): string[] {
  const keysByPurpose = processSingleton('purpose-keys', () => new Map<KeyPurpose, string[]>());
  const cached = keysByPurpose.get(purpose);
  if (cached) return cached;
  const keys = getConfig().sessionSecrets.map((secret) => deriveKey(secret, `bastion:${purpose}:v1`));
  keysByPurpose.set(purpose, keys);
  return keys;
}

// Stable numeric ids derived from each key, so removing an old secret never shifts the others.
const keyId = (key: string) => String(Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 8), 16));

/** iron-session's password maps for one purpose: seal with `current`, unseal with `all`. */
export function sealingPasswords(purpose: KeyPurpose) {
  const [current, ...previous] = purposeKeys(purpose);
  if (!current) throw new Error('no session secret configured');
  const all = Object.fromEntries([current, ...previous].map((key) => [keyId(key), key]));
  return { currentId: keyId(current), current: { [keyId(current)]: current }, all };
}
