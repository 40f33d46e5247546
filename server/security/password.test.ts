// Attacks password storage and policy: weak or wrong argon2 parameters, verification that throws or lies, missed
// rehashes, and a policy that lets common passwords in.
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords';
import { checkPasswordPolicy, hashPassword, needsRehash, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyDummyPassword, verifyPassword } from './password';

// A pass-through spy, so a test can see which hash the dummy verification really checks.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});

// @node-rs/argon2's Algorithm is a const enum (unreadable under isolatedModules):
// 0 = argon2d, 1 = argon2i, 2 = argon2id.
const weakHash = (
  plain: string,
  algorithm: 0 | 1 | 2 = 2,
  memoryCost = 8192,
  timeCost = 1,
) => argon2Hash(plain, { algorithm, memoryCost, timeCost, parallelism: 1 });

const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parsePhc(hash: string) {
  const match = PHC.exec(hash);
  if (!match) throw new Error(`not a PHC argon2 string: ${hash}`);
  const [, id, v, m, t, p, salt, digest] = match;
  return { id, v: Number(v), m: Number(m), t: Number(t), p: Number(p), salt: Buffer.from(salt!, 'base64'), digest: Buffer.from(digest!, 'base64') };
}

const PASSPHRASE = 'purple monkey dishwasher at dawn';
let stored: string;

beforeAll(async () => {
  stored = await hashPassword(PASSPHRASE);
});

describe('hashPassword', () => {
  it('produces an argon2id PHC string with at least 19 MiB, t=2, p=1 (OWASP minimum)', () => {
    const phc = parsePhc(stored);
    expect(phc.id).toBe('argon2id');
    expect(phc.v).toBe(19);
    expect(phc.m).toBeGreaterThanOrEqual(19_456);
    expect(phc.t).toBeGreaterThanOrEqual(2);
    expect(phc.p).toBeGreaterThanOrEqual(1);
    expect(phc.salt.length).toBeGreaterThanOrEqual(16);
    expect(phc.digest.length).toBeGreaterThanOrEqual(32);
  });

  it('salts: the same password hashes differently twice, and the plaintext does not appear in the hash', async () => {
    const again = await hashPassword(PASSPHRASE);
    expect(again).not.toBe(stored);
    expect(parsePhc(again).salt.equals(parsePhc(stored).salt)).toBe(false);
    expect(stored).not.toContain('purple');
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong, case-changed or truncated one', async () => {
    expect(await verifyPassword(stored, PASSPHRASE)).toBe(true);
    expect(await verifyPassword(stored, 'Purple monkey dishwasher at dawn')).toBe(false);
    expect(await verifyPassword(stored, PASSPHRASE.slice(0, -1))).toBe(false);
  });

  it('verifies the same passphrase typed precomposed or decomposed (NFKC)', async () => {
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const decomposed = 'cafe\u0301 au lait, s\u2019il vous plai\u0302t';
    expect(decomposed).not.toBe(composed);
    const hash = await hashPassword(composed);
    expect(await verifyPassword(hash, decomposed)).toBe(true);
  });

  it('verifies a hash made with other (older) parameters, so existing users can still sign in before a rehash', async () => {
    const weak = await weakHash(PASSPHRASE);
    expect(await verifyPassword(weak, PASSPHRASE)).toBe(true);
    expect(await verifyPassword(weak, 'not the passphrase')).toBe(false);
    const legacyVariant = await weakHash(PASSPHRASE, 1);
    expect(parsePhc(legacyVariant).id).toBe('argon2i');
    expect(await verifyPassword(legacyVariant, PASSPHRASE)).toBe(true);
  });

  it('returns false, never throws, for a malformed stored hash', async () => {
    const tampered = `${stored.slice(0, -2)}${stored.endsWith('AA') ? 'BB' : 'AA'}`;
    const malformed: unknown[] = [
      '',
      'not-a-hash',
      PASSPHRASE,
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$',
      '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$',
      '$argon2x$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
      '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
      `${stored}\u0000`,
      tampered,
      null,
      undefined,
      42,
      {},
    ];
    for (const hash of malformed) {
      await expect(verifyPassword(hash as string, PASSPHRASE)).resolves.toBe(false);
    }
  });

  it('returns false, never throws, for a non-string or absurdly long password', async () => {
    for (const plain of [null, undefined, 42, {}, ['x']]) {
      await expect(verifyPassword(stored, plain as string)).resolves.toBe(false);
    }
    await expect(verifyPassword(stored, 'a'.repeat(1_000_000))).resolves.toBe(false);
  });
});

describe('needsRehash', () => {
  it('is false for a hash made with the current parameters', () => {
    expect(needsRehash(stored)).toBe(false);
  });

  it('is true for a hash made with weaker parameters (m=8192, t=1)', async () => {
    const weak = await weakHash('whatever passphrase');
    expect(parsePhc(weak)).toMatchObject({ id: 'argon2id', m: 8192, t: 1 });
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await weakHash('whatever passphrase', 2, 19_456, 1))).toBe(true);
    expect(needsRehash(await weakHash('whatever passphrase', 2, 8192, 2))).toBe(true);
  });

  it('is true for an argon2i or argon2d hash, even with the current m, t and p (the variant must become argon2id)', async () => {
    const argon2i = await weakHash('whatever passphrase', 1, 19_456, 2);
    expect(parsePhc(argon2i)).toMatchObject({ id: 'argon2i', m: 19_456, t: 2, p: 1 });
    expect(needsRehash(argon2i)).toBe(true);
    expect(needsRehash(stored.replace('$argon2id$', '$argon2d$'))).toBe(true);
  });

  it('is true for a hash with another parallelism or argon2 version', () => {
    expect(needsRehash(stored.replace(',p=1$', ',p=4$'))).toBe(true);
    expect(needsRehash(stored.replace('$v=19$', '$v=16$'))).toBe(true);
  });

  it('is true (never throws) for something that is not an argon2 hash', () => {
    for (const hash of ['', 'not-a-hash', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', `${stored}\n`, ` ${stored}`, null, undefined, 42, {}]) {
      expect(needsRehash(hash as string)).toBe(true);
    }
  });
});

describe('verifyDummyPassword', () => {
  it('always resolves to false, even for the password behind its own dummy hash', async () => {
    await expect(verifyDummyPassword('bastion-dummy-password-for-timing')).resolves.toBe(false);
    await expect(verifyDummyPassword(PASSPHRASE)).resolves.toBe(false);
    await expect(verifyDummyPassword('')).resolves.toBe(false);
  });

  it('runs a real argon2id verification with the production parameters (same cost as a real sign-in)', async () => {
    await verifyDummyPassword('warm up');
    const verify = vi.mocked(argon2Verify);
    verify.mockClear();
    await verifyDummyPassword('a wrong guess');
    expect(verify).toHaveBeenCalledTimes(1);
    const phc = parsePhc(String(verify.mock.calls[0]![0]));
    expect([phc.id, phc.m, phc.t, phc.p]).toEqual(['argon2id', 19_456, 2, 1]);
    await expect(verify.mock.results[0]!.value).resolves.toBe(false);
  });
});

describe('dummy and real verification take the same path', () => {
  it.each([
    1,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MAX_LENGTH * 4 - 1,
    PASSWORD_MAX_LENGTH * 4,
    PASSWORD_MAX_LENGTH * 4 + 1,
    100_000,
  ])(
    'for a %i-character guess, both run argon2 or neither does',
    async (length) => {
      const guess = 'a'.repeat(length);
      const real = await hashPassword(PASSPHRASE);
      await verifyDummyPassword('warm up');
      const verify = vi.mocked(argon2Verify);
      verify.mockClear();
      await verifyPassword(real, guess);
      const realCalls = verify.mock.calls.length;
      verify.mockClear();
      await verifyDummyPassword(guess);
      expect(verify.mock.calls.length).toBe(realCalls);
    },
  );
});

describe('checkPasswordPolicy', () => {
  it(`refuses fewer than ${PASSWORD_MIN_LENGTH} characters and accepts exactly ${PASSWORD_MIN_LENGTH}`, () => {
    expect(PASSWORD_MIN_LENGTH).toBeGreaterThanOrEqual(8);
    expect(checkPasswordPolicy('zq8vbn3kx7w')).toEqual({ ok: false, message: expect.stringContaining(String(PASSWORD_MIN_LENGTH)) });
    expect(checkPasswordPolicy('zq8vbn3kx7wm')).toEqual({ ok: true });
    expect(checkPasswordPolicy('').ok).toBe(false);
  });

  it('counts characters, not UTF-16 code units', () => {
    expect('\u{1F511}'.repeat(PASSWORD_MIN_LENGTH - 1).length).toBeGreaterThanOrEqual(PASSWORD_MIN_LENGTH);
    expect(checkPasswordPolicy('\u{1F511}'.repeat(PASSWORD_MIN_LENGTH - 1)).ok).toBe(false);
    expect(checkPasswordPolicy('\u{1F511}\u{1F512}\u{1F5DD}'.repeat(PASSWORD_MIN_LENGTH / 3)).ok).toBe(true);
  });

  it('counts the characters typed as well as their NFKC form, so one ligature cannot pass for twelve', () => {
    expect('\uFDFA'.normalize('NFKC')).toHaveLength(18);
    expect(checkPasswordPolicy('\uFDFA')).toMatchObject({ ok: false, message: expect.stringContaining('at least') });
    expect(checkPasswordPolicy('\u2487\u2487\u2487').ok).toBe(false);
    expect(checkPasswordPolicy('\u2487'.repeat(PASSWORD_MIN_LENGTH)).ok).toBe(true);
    expect(checkPasswordPolicy('zq8vbn3kx7w\uFDFA').ok).toBe(true);
  });

  it(`allows a generous maximum (${PASSWORD_MAX_LENGTH}) and refuses longer`, () => {
    expect(PASSWORD_MAX_LENGTH).toBeGreaterThanOrEqual(64);
    const words = 'lantern orchard velvet compass '.repeat(20);
    expect(checkPasswordPolicy(words.slice(0, PASSWORD_MAX_LENGTH))).toEqual({ ok: true });
    const tooLong = words.slice(0, PASSWORD_MAX_LENGTH + 1);
    const mentionsLimit = expect.stringContaining(String(PASSWORD_MAX_LENGTH));
    expect(checkPasswordPolicy(tooLong)).toEqual({ ok: false, message: mentionsLimit });
  });

  it('a password the policy accepts at the maximum length still verifies', async () => {
    const longest = '\u{1F511}'.repeat(PASSWORD_MAX_LENGTH);
    expect(checkPasswordPolicy(longest).ok).toBe(true);
    expect(await verifyPassword(await hashPassword(longest), longest)).toBe(true);
  });

  it('imposes no composition rules', () => {
    for (const password of ['purple monkey dishwasher at dawn', 'allllowercaseletters', 'ALLUPPERCASELETTERS', '839201746352', 'spaces are fine here too', 'ünïcödé pässwörd']) {
      expect(checkPasswordPolicy(password)).toEqual({ ok: true });
    }
  });

  it('refuses common passwords, case-insensitively, with a message distinct from the length one', () => {
    for (const password of ['password1234', 'qwertyuiop12', 'administrator', 'Administrator', 'CorrectHorseBatteryStaple', 'BASEBALL1234', 'aaaaaaaaaaaa', '123456789012']) {
      const verdict = checkPasswordPolicy(password);
      expect(verdict.ok, password).toBe(false);
      expect(verdict.ok ? '' : verdict.message).toMatch(/common/i);
    }
  });

  it('refuses long passwords from the breach list (zxcvbn) that pass the length rule', () => {
    for (const password of ['1qaz2wsx3edc', 'leavemealone', 'QWERTY123456', 'qazwsxedcrfv']) {
      expect(checkPasswordPolicy(password)).toEqual({ ok: false, message: expect.stringMatching(/too common/) });
    }
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(40_000);
    expect(checkPasswordPolicy('violet kettle drums at noon')).toEqual({ ok: true });
  });

  it('refuses short common passwords such as password123 and qwertyuiop (by length at least)', () => {
    expect(checkPasswordPolicy('password123').ok).toBe(false);
    expect(checkPasswordPolicy('qwertyuiop').ok).toBe(false);
  });

  it('refuses every blocklist entry that is long enough to pass the length rule, and the list is lower-case so lookups can match', () => {
    const long = [...COMMON_PASSWORDS].filter((p) => [...p].length >= PASSWORD_MIN_LENGTH);
    expect(long.length).toBeGreaterThan(20);
    for (const password of long) expect(checkPasswordPolicy(password).ok, password).toBe(false);
    for (const password of COMMON_PASSWORDS) expect(password).toBe(password.normalize('NFKC').toLowerCase());
  });

  it('refuses a password containing the local part of the email, case-insensitively', () => {
    expect(checkPasswordPolicy('alice-loves-cats-2024', { email: 'alice@example.com' }).ok).toBe(false);
    expect(checkPasswordPolicy('I am ALICE and this is mine', { email: 'Alice@Example.com' }).ok).toBe(false);
    expect(checkPasswordPolicy('alice-loves-cats-2024', { email: 'bob@example.com' })).toEqual({ ok: true });
    expect(checkPasswordPolicy('alice-loves-cats-2024')).toEqual({ ok: true });
    expect(checkPasswordPolicy('al is a nice name', { email: 'al@example.com' })).toEqual({ ok: true });
  });

  it('gives short plain-text messages that never echo the password back', () => {
    const attempts: [string, { email?: string }][] = [
      ['<script>x', {}],
      ['<script>alert(1)</script>'.repeat(20), {}],
      ['<i>x</i>', {}],
      ['Administrator', {}],
      ['<img src=x>mallory-secret', { email: 'mallory@example.com' }],
    ];
    for (const [password, context] of attempts) {
      const verdict = checkPasswordPolicy(password, context);
      if (verdict.ok) throw new Error(`expected a refusal for ${password}`);
      expect(typeof verdict.message).toBe('string');
      expect(verdict.message.length).toBeGreaterThan(0);
      expect(verdict.message.length).toBeLessThan(120);
      expect(verdict.message).not.toMatch(/[<>&"]/);
      expect(verdict.message.toLowerCase()).not.toContain(password.toLowerCase());
      expect(verdict.message).not.toContain('mallory');
    }
  });
});
