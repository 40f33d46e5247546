// Secrets at rest: AES-256-GCM with a key from configuration, so a copy of the database (a backup,
// a replica, a support query) yields no readable secret. Each ciphertext names the key that sealed
// it and is bound to a context string (table and row), so ciphertexts cannot be swapped between
// rows; previous keys still open old ciphertexts while they are rotated. Copy alone (node:crypto).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class DecryptionError extends Error {
  constructor(message = 'The value cannot be decrypted with any configured key.') {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * Parses a 32-byte key written as base64, base64url or 64 hex digits (`openssl rand -base64 32`).
 * Throws on anything else: a short or mistyped key must stop the server, not weaken it.
 */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64url');
  const canonical = /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) || /^[0-9a-f]{64}$/i.test(trimmed);
  if (!canonical || key.length !== KEY_BYTES) {
    throw new Error('an encryption key must be 32 random bytes, base64 or hex (openssl rand -base64 32)');
  }
  return key;
}

/** A short public name for a key: the first 8 hex digits of its SHA-256. Reveals nothing usable. */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export type EncryptionKeys = { current: Uint8Array; previous?: readonly Uint8Array[] };

/** Encrypts and decrypts short strings (secrets, mail bodies) with the current key; opens old ones with any. */
export class SecretBox {
  private readonly current: { id: string; key: Uint8Array };
  private readonly byId = new Map<string, Uint8Array>();

  constructor(keys: EncryptionKeys) {
    for (const key of [keys.current, ...(keys.previous ?? [])]) {
      if (key.length !== KEY_BYTES) throw new Error('every encryption key must be 32 bytes');
      if (!this.byId.has(keyId(key))) this.byId.set(keyId(key), key);
    }
    this.current = { id: keyId(keys.current), key: keys.current };
  }

  /** `v1.<key id>.<iv>.<ciphertext+tag>`, base64url parts; `context` must be given again to decrypt. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.current.id, iv.toString('base64url'), sealed.toString('base64url')].join('.');
  }

  /** The plaintext; DecryptionError for a tampered value, a wrong context or an unknown key. */
  decrypt(ciphertext: string, context: string): string {
    const [version, id, ivText, sealedText, extra] = ciphertext.split('.');
    const key = id === undefined ? undefined : this.byId.get(id);
    if (version !== VERSION || !key || ivText === undefined || sealedText === undefined || extra !== undefined) {
      throw new DecryptionError();
    }
    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new DecryptionError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError();
    }
  }

  /** True when the value was sealed with an older key and should be re-encrypted. */
  needsRotation(ciphertext: string): boolean {
    return ciphertext.split('.')[1] !== this.current.id;
  }
}
