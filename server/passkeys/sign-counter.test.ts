import { describe, expect, it } from 'vitest';
import { signCounterAdvances } from './sign-counter';

describe('signCounterAdvances', () => {
  it('accepts a counter that went up', () => {
    expect(signCounterAdvances(4, 5)).toBe(true);
    expect(signCounterAdvances(0, 1)).toBe(true);
  });

  it('accepts zero after zero, as synced passkeys that do not count send', () => {
    expect(signCounterAdvances(0, 0)).toBe(true);
  });

  it('refuses a counter that stayed or went back, as a cloned authenticator would send', () => {
    expect(signCounterAdvances(5, 5)).toBe(false);
    expect(signCounterAdvances(5, 3)).toBe(false);
    expect(signCounterAdvances(5, 0)).toBe(false);
  });
});
