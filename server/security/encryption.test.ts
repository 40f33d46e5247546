import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, keyId, parseEncryptionKey, SecretBox } from './encryption';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

describe('SecretBox', () => {
  it('round-trips text and never writes the plaintext into the ciphertext', () => {
    const box = new SecretBox({ current: keyA });
    const secret = 'reset link https://app.example/reset?token=abc ✓';
    const sealed = box.encrypt(secret, 'mail_outbox:1');
    expect(sealed).not.toContain('token=abc');
    expect(sealed.startsWith(`v1.${keyId(keyA)}.`)).toBe(true);
    expect(box.decrypt(sealed, 'mail_outbox:1')).toBe(secret);
  });

  it('uses a fresh IV for each encryption of the same text', () => {
    const box = new SecretBox({ current: keyA });
    expect(box.encrypt('same', 'c')).not.toBe(box.encrypt('same', 'c'));
  });

  it('refuses a ciphertext moved to another context (another row or purpose)', () => {
    const box = new SecretBox({ current: keyA });
    const sealed = box.encrypt('secret', 'webhooks:1');
    expect(() => box.decrypt(sealed, 'webhooks:2')).toThrow(DecryptionError);
  });

  it('refuses every single-character change to a ciphertext', () => {
    const box = new SecretBox({ current: keyA });
    const sealed = box.encrypt('secret', 'c');
    const lastPart = sealed.lastIndexOf('.') + 1;
    for (let index = lastPart; index < sealed.length; index += 1) {
      const swapped = sealed[index] === 'A' ? 'B' : 'A';
      const tampered = `${sealed.slice(0, index)}${swapped}${sealed.slice(index + 1)}`;
      // The last base64url character may carry only padding bits: the bytes are then unchanged.
      const sameBytes = Buffer.from(tampered.slice(lastPart), 'base64url').equals(Buffer.from(sealed.slice(lastPart), 'base64url'));
      if (sameBytes) continue;
      expect(() => box.decrypt(tampered, 'c')).toThrow(DecryptionError);
    }
  });

  it('refuses malformed values with the same error', () => {
    const box = new SecretBox({ current: keyA });
    for (const bad of ['', 'v1', 'v1.x.y.z', 'v2.a.b.c', `v1.${keyId(keyA)}.AAAA.AAAA`, `${box.encrypt('s', 'c')}.extra`]) {
      expect(() => box.decrypt(bad, 'c'), bad).toThrow(DecryptionError);
    }
  });

  it('opens values sealed with a previous key after rotation, and seals new ones with the current key', () => {
    const before = new SecretBox({ current: keyA });
    const old = before.encrypt('totp secret', 'users:1');
    const after = new SecretBox({ current: keyB, previous: [keyA] });
    expect(after.decrypt(old, 'users:1')).toBe('totp secret');
    expect(after.needsRotation(old)).toBe(true);
    const fresh = after.encrypt('totp secret', 'users:1');
    expect(after.needsRotation(fresh)).toBe(false);
    expect(() => before.decrypt(fresh, 'users:1')).toThrow(DecryptionError);
  });

  it('refuses values once their key is no longer configured', () => {
    const old = new SecretBox({ current: keyA }).encrypt('s', 'c');
    expect(() => new SecretBox({ current: keyB }).decrypt(old, 'c')).toThrow(DecryptionError);
  });
});

describe('parseEncryptionKey', () => {
  it('accepts 32 bytes as base64, base64url or hex', () => {
    expect(parseEncryptionKey(keyA.toString('base64'))).toEqual(keyA);
    expect(parseEncryptionKey(keyA.toString('base64url'))).toEqual(keyA);
    expect(parseEncryptionKey(keyA.toString('hex'))).toEqual(keyA);
  });

  it('refuses short, long and non-key text', () => {
    for (const bad of ['', 'password', randomBytes(16).toString('base64'), randomBytes(48).toString('base64'), 'z'.repeat(64)]) {
      expect(() => parseEncryptionKey(bad), bad).toThrow(/32 random bytes/);
    }
  });
});
