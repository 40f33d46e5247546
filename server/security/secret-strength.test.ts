import { createHash, randomBytes } from 'node:crypto';
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

  // A fixed sample of uniformly random bytes, so that a run fails only when the estimate changes: about 1
  // value in 50 000 of 24 bytes is refused (a long run of letters that read as words), none of 48.
  const sampleBytes = (size: number, i: number) =>
    Buffer.concat([0, 1].map((half) => createHash('sha512').update(`${size}:${i}:${half}`).digest())).subarray(0, size);

  it('accepts every random secret of the sizes the README suggests (2 000 of each)', () => {
    const makers = [
      (i: number) => sampleBytes(16, i).toString('hex'),
      (i: number) => sampleBytes(24, i).toString('base64'),
      (i: number) => sampleBytes(48, i).toString('base64'),
    ];
    for (const make of makers) {
      for (let i = 0; i < 2000; i += 1) {
        const secret = make(i);
        expect(weakSecretReason(secret), secret).toBeNull();
      }
    }
  });

  it('does not take the letter runs of a hex secret for words', () => {
    // Once refused as "about 80 bits": its 15 letters a–f in a row, a quarter vowels, read as a word.
    expect(weakSecretReason('c5289211bfafbfcecacfbac8b4bbab41')).toBeNull();
  });

  it('gives nothing for an empty secret and grows with random length', () => {
    expect(estimateSecretBits('')).toBe(0);
    const random = (bytes: number) => estimateSecretBits(randomBytes(bytes).toString('base64'));
    expect(random(48)).toBeGreaterThan(random(24));
  });
});
