// An in-process ThrottleStore FOR UNIT TESTS ONLY: its counters live in one process, so N app
// instances would each grant the full budget, and a restart forgets every lockout. Copy with
// ./throttle; in production use ./throttle-redis or ./throttle-postgres.
import type { CounterPolicy, CounterState, ThrottleStore } from './throttle-store';

type Counter = { attempts: number; windowEndsAt: number; lockedUntil: number; lockouts: number; lockoutsEndAt: number };

export class MemoryThrottleStore implements ThrottleStore {
  private readonly counters = new Map<string, Counter>();

  /** `now` is injectable so tests can move time by hand. */
  constructor(private readonly now: () => number = Date.now) {}

  async peek(key: string): Promise<CounterState> {
    return this.stateOf(this.live(key));
  }

  async increment(key: string, { windowMs, maxAttempts, lockout }: CounterPolicy): Promise<CounterState> {
    const now = this.now();
    const previous = this.live(key);
    const counter: Counter = previous ?? {
      attempts: 0,
      windowEndsAt: 0,
      lockedUntil: 0,
      lockouts: 0,
      lockoutsEndAt: 0,
    };
    if (counter.windowEndsAt <= now) Object.assign(counter, { attempts: 0, windowEndsAt: now + windowMs });
    if (counter.lockoutsEndAt <= now) counter.lockouts = 0;
    counter.attempts += 1;
    if (lockout && counter.attempts === maxAttempts) {
      const lockMs = Math.floor(Math.min(
        lockout.baseMs * lockout.multiplier ** Math.min(counter.lockouts, 50),
        lockout.maxMs,
      ));
      counter.lockouts += 1;
      counter.lockedUntil = counter.windowEndsAt = now + lockMs;
      counter.lockoutsEndAt = counter.lockedUntil + lockout.memoryMs;
    }
    this.counters.set(key, counter);
    return this.stateOf(counter);
  }

  async delete(key: string): Promise<void> {
    this.counters.delete(key);
  }

  /** The counter, or undefined once nothing in it matters any more (dropped on the way). */
  private live(key: string): Counter | undefined {
    const counter = this.counters.get(key);
    if (!counter) return undefined;
    if (Math.max(counter.windowEndsAt, counter.lockoutsEndAt) > this.now()) return counter;
    this.counters.delete(key);
    return undefined;
  }

  private stateOf(counter: Counter | undefined): CounterState {
    const now = this.now();
    if (!counter) return { attempts: 0, windowResetMs: 0, lockedMs: 0 };
    const windowOpen = counter.windowEndsAt > now;
    return {
      attempts: windowOpen ? counter.attempts : 0,
      windowResetMs: windowOpen ? counter.windowEndsAt - now : 0,
      lockedMs: Math.max(0, counter.lockedUntil - now),
    };
  }
}
