import { describe, expect, it } from 'vitest';
import { RefusalTally } from './refusal-tally';

function tallyAt(windowMs = 1_000, maxKeys = 100) {
  const clock = { now: 0 };
  const tally = new RefusalTally<string>({ windowMs, maxKeys, now: () => clock.now });
  return { tally, clock };
}

describe('RefusalTally', () => {
  it('records the first refusal of a window, counts the other 499, and reports them once when it closes', () => {
    const { tally, clock } = tallyAt();
    const recorded = Array.from({ length: 500 }, (_, i) => tally.note('203.0.113.7', `refusal ${i}`));
    expect(recorded.filter(Boolean)).toHaveLength(1);
    expect(tally.takeClosed()).toEqual([]);
    clock.now = 1_000;
    expect(tally.takeClosed()).toEqual([{ sample: 'refusal 0', repeated: 499 }]);
    expect(tally.takeClosed()).toEqual([]);
  });

  it('keeps keys apart, and opens a new window after the last one closed without losing its count', () => {
    const { tally, clock } = tallyAt();
    expect([tally.note('a', 'a1'), tally.note('b', 'b1'), tally.note('a', 'a2')]).toEqual([true, true, false]);
    clock.now = 1_500;
    expect(tally.note('a', 'a3')).toBe(true);
    expect(tally.note('a', 'a4')).toBe(false);
    expect(tally.takeClosed()).toEqual([{ sample: 'a1', repeated: 1 }]);
    clock.now = 2_500;
    expect(tally.takeClosed()).toEqual([{ sample: 'a3', repeated: 1 }]);
  });

  it('records every refusal of keys past its bound rather than forgetting any', () => {
    const { tally } = tallyAt(1_000, 2);
    tally.note('a', 'a');
    tally.note('b', 'b');
    expect([tally.note('c', 'c1'), tally.note('c', 'c2')]).toEqual([true, true]);
  });
});
