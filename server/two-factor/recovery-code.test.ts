import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-code';

describe('recovery codes', () => {
  it('come ten at a time, distinct, as xxxx-xxxx-xxxx-xxxx of base32 (80 bits each)', () => {
    const { codes, hashes } = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect(hashes).toHaveLength(RECOVERY_CODE_COUNT);
  });

  it('are stored as SHA-256 hex that never contains the code', () => {
    const { codes, hashes } = generateRecoveryCodes();
    codes.forEach((code, index) => {
      expect(hashes[index]).toMatch(/^[0-9a-f]{64}$/);
      expect(hashes[index]).toBe(hashRecoveryCode(normalizeRecoveryCode(code) ?? ''));
      expect(hashes[index]).not.toContain(code.replaceAll('-', ''));
    });
  });

  it('are read back whatever the case, dashes or spaces', () => {
    expect(normalizeRecoveryCode('ABCD-EFGH-2345-67AB')).toBe('abcdefgh234567ab');
    expect(normalizeRecoveryCode(' abcd efgh 2345 67ab ')).toBe('abcdefgh234567ab');
  });

  it('refuse anything of the wrong length or alphabet', () => {
    for (const bad of ['', '123456', 'abcd-efgh-2345-67a', 'abcd-efgh-2345-67ab1', 'abcd-efgh-2345-6781', 'abcd-efgh-2345-67a!']) {
      expect(normalizeRecoveryCode(bad)).toBeNull();
    }
  });
});
