import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey } from './hkdf';

const SECRET = 'k3Jw9vQzL0pX7rT2mB5nY8cF4hD6gS1aE0uI3oP7lK';

describe('deriveKey', () => {
  it('gives a different key for each purpose and each secret, and the same key every time', () => {
    const purposes = ['session', 'csrf', 'device'].map((purpose) => deriveKey(SECRET, purpose));
    const keys = new Set([...purposes, deriveKey(`${SECRET}x`, 'session')]);
    expect(keys.size).toBe(4);
    expect(deriveKey(SECRET, 'session')).toBe(deriveKey(SECRET, 'session'));
  });

  it('never hands back the secret itself, and matches RFC 5869 HKDF-SHA-256', () => {
    const key = deriveKey(SECRET, 'session');
    expect(key).not.toContain(SECRET);
    expect(key).toBe(Buffer.from(hkdfSync('sha256', SECRET, '', 'session', 32)).toString('base64url'));
    expect(key).toHaveLength(43);
    expect(deriveKey(SECRET, 'session', 64)).toHaveLength(86);
  });

  it('refuses an empty secret, a purpose with odd characters and unreasonable sizes', () => {
    expect(() => deriveKey('', 'session')).toThrow(RangeError);
    expect(() => deriveKey(SECRET, 'a b')).toThrow(RangeError);
    expect(() => deriveKey(SECRET, '')).toThrow(RangeError);
    expect(() => deriveKey(SECRET, 'session', 8)).toThrow(RangeError);
    expect(() => deriveKey(SECRET, 'session', 1.5)).toThrow(RangeError);
  });
});
