// The contract between AttemptThrottle and its stores (Redis, Postgres, memory): what a counter
// is and the three atomic operations a store offers. Copy it along with any throttle file.

export type LockoutPolicy = { baseMs: number; multiplier: number; maxMs: number; memoryMs: number };
export type CounterPolicy = { windowMs: number; maxAttempts: number; lockout: LockoutPolicy | null };

/** A counter as a store sees it; every duration is what remains, in milliseconds, by the store's clock. */
export type CounterState = { attempts: number; windowResetMs: number; lockedMs: number };

/**
 * A store is three dumb atomic operations, one round trip each. `increment` counts one attempt:
 * it opens a window of `windowMs` when none is open, and when the count reaches `maxAttempts`
 * with a lockout policy it locks the key for base × multiplier^(lockouts remembered) (capped),
 * ends the window with the lock, and remembers the lockout until `memoryMs` after the lock ends.
 */
export interface ThrottleStore {
  increment(key: string, policy: CounterPolicy): Promise<CounterState>;
  peek(key: string): Promise<CounterState>;
  delete(key: string): Promise<void>;
}
