import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { estimateSecretBits, MIN_SECRET_BITS, weakSecretReason } from './secret-strength';

describe('estimateSecretBits', () => {
  it.each([
    ['one character repeated', 'x'.repeat(64)],
    ['a short pattern repeated', 'ab'.repeat(32)],
    ['a word repeated', 'password'.repeat(5)],
    ['words run together', 'thisismysupersecretsessionsecret'],
    ['words with separators and a year', 'my-company-session-secret-value-2026'],
    ['a passphrase of common words', 'correct horse battery staple purple monkey dishwasher'],
  ])('refuses %s', (_, secret) => {
    expect(estimateSecretBits(secret)).toBeLessThan(MIN_SECRET_BITS);
    expect(weakSecretReason(secret)).toMatch(/looks guessable \(about \d+ bits of entropy, at least 90 needed\)/);
  });

  it('accepts every random secret of the sizes the README suggests (2 000 of each)', () => {
    const makers = [
      () => randomBytes(16).toString('hex'),
      () => randomBytes(24).toString('base64'),
      () => randomBytes(48).toString('base64'),
    ];
    for (const make of makers) {
      for (let i = 0; i < 2000; i += 1) {
        const secret = make();
        expect(weakSecretReason(secret), secret).toBeNull();
      }
    }
  });

  it('gives nothing for an empty secret and grows with random length', () => {
    expect(estimateSecretBits('')).toBe(0);
    const random = (bytes: number) => estimateSecretBits(randomBytes(bytes).toString('base64'));
    expect(random(48)).toBeGreaterThan(random(24));
  });
});
