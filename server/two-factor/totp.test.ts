import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { displayTotpKey, generateTotpSecret, isFreshStep, matchTotpStep, totpCodeFor, totpKeyUri, totpStepAt } from './totp';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII of "12345678901234567890".
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const STEP_MS = 30_000;

describe('TOTP codes', () => {
  it('match the RFC 6238 test vectors (6 digits of the 8-digit values)', () => {
    expect(totpCodeFor(RFC_SECRET, totpStepAt(59_000))).toBe('287082');
    expect(totpCodeFor(RFC_SECRET, totpStepAt(1_111_111_109_000))).toBe('081804');
    expect(totpCodeFor(RFC_SECRET, totpStepAt(2_000_000_000_000))).toBe('279037');
  });

  it('are accepted one step early or late, and not two', () => {
    const now = 1_700_000_000_000;
    const step = totpStepAt(now);
    const matchAtDrift = (drift: number) => matchTotpStep(RFC_SECRET, totpCodeFor(RFC_SECRET, step + drift), now);
    for (const drift of [-1, 0, 1]) expect(matchAtDrift(drift)).toBe(step + drift);
    for (const drift of [-2, 2]) expect(matchAtDrift(drift)).toBeNull();
  });

  it('belong to the step the clock is in, on either side of a step boundary', () => {
    const boundary = 1_700_000_010_000 - (1_700_000_010_000 % STEP_MS);
    const before = totpStepAt(boundary - 1);
    expect(totpStepAt(boundary)).toBe(before + 1);
    const lastOfOld = totpCodeFor(RFC_SECRET, before - 1);
    expect(matchTotpStep(RFC_SECRET, lastOfOld, boundary - 1)).toBe(before - 1);
    expect(matchTotpStep(RFC_SECRET, lastOfOld, boundary)).toBeNull();
  });

  it('refuse anything that is not exactly six digits', () => {
    const now = 1_700_000_000_000;
    const code = totpCodeFor(RFC_SECRET, totpStepAt(now));
    for (const bad of ['', `${code}0`, code.slice(1), ` ${code}`, '12345a', '１２３４５６']) {
      expect(matchTotpStep(RFC_SECRET, bad, now)).toBeNull();
    }
  });
});

describe('the replay rule', () => {
  it('accepts a step only when it is later than the last one accepted', () => {
    expect(isFreshStep(100, null)).toBe(true);
    expect(isFreshStep(101, 100)).toBe(true);
    expect(isFreshStep(100, 100)).toBe(false);
    expect(isFreshStep(99, 100)).toBe(false);
  });

  it('refuses a code used at the end of its step when it is sent again after the boundary (within the drift)', () => {
    const boundary = 1_700_000_010_000 - (1_700_000_010_000 % STEP_MS);
    const code = totpCodeFor(RFC_SECRET, totpStepAt(boundary - 1));
    const used = matchTotpStep(RFC_SECRET, code, boundary - 1);
    const again = matchTotpStep(RFC_SECRET, code, boundary + 1);
    expect(again).toBe(used);
    expect(isFreshStep(again ?? Number.NaN, used)).toBe(false);
  });
});

describe('secrets and keys', () => {
  it('are 20 random bytes, shown as grouped base32 that decodes back to them', () => {
    const secret = generateTotpSecret();
    expect(secret).toHaveLength(20);
    expect(generateTotpSecret()).not.toEqual(secret);
    const shown = displayTotpKey(secret);
    expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(decodeBase32IgnorePadding(shown.replaceAll(' ', ''))).toEqual(secret);
  });

  it('go into an otpauth URI with SHA-1, 6 digits and 30 seconds', () => {
    const uri = new URL(totpKeyUri('ada@example.test', RFC_SECRET));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('issuer')).toBe('Bastion');
  });
});
