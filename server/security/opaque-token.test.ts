// Attacks opaque tokens: predictable or colliding plaintexts, wrong digests, and verify inputs that could throw or
// match wrongly.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateOpaqueToken, hashOpaqueToken, verifyOpaqueToken } from './opaque-token';

const sha256Hex = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateOpaqueToken', () => {
  it('returns a 43-character unpadded base64url plaintext for 32 bytes, decoding back to 32 bytes', () => {
    const { plaintext } = generateOpaqueToken();
    expect(plaintext).toMatch(BASE64URL_43);
    expect(plaintext).not.toContain('=');
    expect(Buffer.from(plaintext, 'base64url')).toHaveLength(32);
    expect(Buffer.from(plaintext, 'base64url').toString('base64url')).toBe(plaintext);
  });

  it('returns the lowercase SHA-256 hex of the plaintext as tokenHash', () => {
    for (let i = 0; i < 20; i++) {
      const { plaintext, tokenHash } = generateOpaqueToken();
      expect(tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(tokenHash).toBe(sha256Hex(plaintext));
      expect(tokenHash).not.toBe(plaintext);
    }
  });

  it.each([
    [16, 22],
    [24, 32],
    [48, 64],
    [64, 86],
  ])('honours a size of %i bytes (%i characters)', (bytes, chars) => {
    const { plaintext, tokenHash } = generateOpaqueToken(bytes);
    expect(plaintext).toMatch(new RegExp(`^[A-Za-z0-9_-]{${chars}}$`));
    expect(Buffer.from(plaintext, 'base64url')).toHaveLength(bytes);
    expect(tokenHash).toBe(sha256Hex(plaintext));
  });

  it.each([0, 1, 8, 15, -32, 16.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a weak or nonsensical size (%s)', (bytes) => {
    expect(() => generateOpaqueToken(bytes)).toThrow(RangeError);
  });

  it('never repeats a plaintext or a hash over 10,000 generations', () => {
    const plaintexts = new Set<string>();
    const hashes = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const { plaintext, tokenHash } = generateOpaqueToken();
      plaintexts.add(plaintext);
      hashes.add(tokenHash);
    }
    expect(plaintexts.size).toBe(10_000);
    expect(hashes.size).toBe(10_000);
  });

  it('uses the whole base64url alphabet (random bytes, not hex or a restricted charset)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const char of generateOpaqueToken().plaintext.slice(0, 42)) seen.add(char);
    expect(seen.size).toBe(64);
  });

  it('does not depend on Math.random', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const plaintexts = new Set(Array.from({ length: 100 }, () => generateOpaqueToken().plaintext));
    expect(plaintexts.size).toBe(100);
  });
});

describe('hashOpaqueToken', () => {
  it.each(['', 'a', 'abc', 'x'.repeat(1000), 'caf\u00e9 \u{1F511}', 'nul\u0000byte'])('matches an independent SHA-256 (utf-8) of %j', (text) => {
    expect(hashOpaqueToken(text)).toBe(sha256Hex(text));
  });

  it('matches the known SHA-256 test vector for "abc"', () => {
    expect(hashOpaqueToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is deterministic and distinguishes inputs that differ by one character or a NUL', () => {
    const { plaintext } = generateOpaqueToken();
    expect(hashOpaqueToken(plaintext)).toBe(hashOpaqueToken(plaintext));
    expect(hashOpaqueToken(`${plaintext}\u0000`)).not.toBe(hashOpaqueToken(plaintext));
    expect(hashOpaqueToken(plaintext.slice(0, -1))).not.toBe(hashOpaqueToken(plaintext));
  });
});

describe('verifyOpaqueToken', () => {
  it('accepts a freshly generated token against its own hash', () => {
    const { plaintext, tokenHash } = generateOpaqueToken();
    expect(verifyOpaqueToken(plaintext, tokenHash)).toBe(true);
  });

  it('refuses a token against another token\u2019s hash', () => {
    const a = generateOpaqueToken();
    const b = generateOpaqueToken();
    expect(verifyOpaqueToken(a.plaintext, b.tokenHash)).toBe(false);
    expect(verifyOpaqueToken(b.plaintext, a.tokenHash)).toBe(false);
  });

  it('refuses modified plaintexts: truncated, extended, one character changed, case changed, NUL appended', () => {
    const { plaintext, tokenHash } = generateOpaqueToken();
    const flipped = `${plaintext.slice(0, 10)}${plaintext[10] === 'A' ? 'B' : 'A'}${plaintext.slice(11)}`;
    const variants = [plaintext.slice(0, -1), `${plaintext}A`, flipped, plaintext.toUpperCase(), plaintext.toLowerCase(), `${plaintext}\u0000`, ` ${plaintext}`];
    for (const variant of variants.filter((v) => v !== plaintext)) {
      expect(verifyOpaqueToken(variant, tokenHash)).toBe(false);
    }
  });

  it('refuses the hash presented as the plaintext (a leaked database row is not a token)', () => {
    const { tokenHash } = generateOpaqueToken();
    expect(verifyOpaqueToken(tokenHash, tokenHash)).toBe(false);
  });

  it('refuses hashes that are not exactly 64 lowercase hex characters, even when they encode the right digest', () => {
    const { plaintext, tokenHash } = generateOpaqueToken();
    const bad = [
      tokenHash.toUpperCase(),
      tokenHash.slice(0, 63),
      `${tokenHash}0`,
      `${tokenHash}\u0000`,
      `${tokenHash.slice(0, 63)}\u0000`,
      ` ${tokenHash}`,
      `${tokenHash}\n`,
      tokenHash.slice(0, 32),
      Buffer.from(tokenHash, 'hex').toString('base64'),
      '',
      'g'.repeat(64),
    ];
    for (const hash of bad) expect(verifyOpaqueToken(plaintext, hash)).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a boolean', true],
    ['an object', { toString: () => 'x' }],
    ['an array', ['a']],
    ['a Buffer', Buffer.from('a')],
    ['a String object', new String('a')],
    ['a symbol', Symbol('a')],
    ['a bigint', 10n],
  ])('returns false without throwing when the plaintext or the hash is %s', (_label, value) => {
    const { plaintext, tokenHash } = generateOpaqueToken();
    expect(() => verifyOpaqueToken(value, tokenHash)).not.toThrow();
    expect(verifyOpaqueToken(value, tokenHash)).toBe(false);
    expect(() => verifyOpaqueToken(plaintext, value)).not.toThrow();
    expect(verifyOpaqueToken(plaintext, value)).toBe(false);
    expect(verifyOpaqueToken(value, value)).toBe(false);
  });

  it('refuses the empty plaintext even with the SHA-256 of the empty string', () => {
    expect(verifyOpaqueToken('', sha256Hex(''))).toBe(false);
  });

  it('refuses plaintexts over 512 characters even with their correct hash, and accepts one at the limit', () => {
    const huge = 'A'.repeat(10_000_000);
    const hugeHash = sha256Hex(huge);
    expect(verifyOpaqueToken(huge, hugeHash)).toBe(false);
    const justOver = 'A'.repeat(513);
    expect(verifyOpaqueToken(justOver, sha256Hex(justOver))).toBe(false);
    const atLimit = 'A'.repeat(512);
    expect(verifyOpaqueToken(atLimit, sha256Hex(atLimit))).toBe(true);
  });

  it('refuses a huge hash string', () => {
    const { plaintext, tokenHash } = generateOpaqueToken();
    expect(verifyOpaqueToken(plaintext, tokenHash.repeat(100_000))).toBe(false);
  });

  it('verifies plaintexts with a NUL or non-ASCII characters by their exact utf-8 digest', () => {
    for (const text of ['a\u0000b', '\u0000', 'p\u00e4ss \u{1F511}']) {
      expect(verifyOpaqueToken(text, sha256Hex(text))).toBe(true);
    }
    expect(verifyOpaqueToken('a\u0000b', sha256Hex('ab'))).toBe(false);
    expect(verifyOpaqueToken('a\u0000b', sha256Hex('a'))).toBe(false);
    expect(verifyOpaqueToken('a', sha256Hex('a\u0000b'))).toBe(false);
  });

  it('accepts tokens of other sizes', () => {
    for (const bytes of [16, 48, 64]) {
      const { plaintext, tokenHash } = generateOpaqueToken(bytes);
      expect(verifyOpaqueToken(plaintext, tokenHash)).toBe(true);
    }
  });
});
