// Brute-force throttling: counts failed attempts per key in a fixed window (optionally with a
// progressive lockout) and refuses callers over budget. Copy with ./errors, ./throttle-store,
// ./throttle-blocked-cache, ./throttle-redis (it wraps a raw ioredis client) and, without Redis,
// ./throttle-postgres; ./throttle-memory is for tests (a copy of the throttle takes them).
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError, TooManyRequestsError } from './errors';
import type { CounterPolicy, CounterState, ThrottleStore } from './throttle-store';
import { type BlockedCacheOptions, BlockedKeyCache } from './throttle-blocked-cache';
import { RedisThrottleStore } from './throttle-redis';

export type { CounterPolicy, CounterState, LockoutPolicy, ThrottleStore } from './throttle-store';

/** What every call answers. `retryAfterSeconds` is 0 when not blocked, else whole seconds ≥ 1. */
export type ThrottleStatus = Readonly<{ attempts: number; blocked: boolean; retryAfterSeconds: number }>;
export type ThrottleReservation = Readonly<{ allowed: boolean; status: ThrottleStatus }>;

export type ThrottleOperation = 'status' | 'hit' | 'reserve' | 'reset';
export type StoreErrorHandler = (error: unknown, context: { namespace: string; operation: ThrottleOperation }) => void;

export type AttemptThrottleOptions = {
  maxAttempts: number;
  windowSeconds: number;
  /** Key prefix, so several throttles can share one store. */
  namespace: string;
  /** On a store error: true lets the request through, false throws StoreUnavailableError (503). */
  failOpen: boolean;
  /** Reaching maxAttempts locks the key for baseSeconds, × multiplier for each lockout remembered. */
  lockout?: { baseSeconds: number; multiplier?: number; maxSeconds?: number; memorySeconds?: number };
  /** Called on every store error, failing open or closed. Default: console.warn, at most once a minute. */
  onStoreError?: StoreErrorHandler;
  /** The longest a call waits for the store before treating it as failed. */
  storeTimeoutMs?: number;
  /** Answers keys the store just refused in-process (see ./throttle-blocked-cache). Off when absent. */
  blockedCache?: BlockedCacheOptions;
};

const MAX_PLAIN_KEY_LENGTH = 200;
const DAY_SECONDS = 24 * 60 * 60;

export class AttemptThrottle {
  readonly namespace: string;
  private readonly store: ThrottleStore;
  private readonly policy: CounterPolicy;
  private readonly failOpen: boolean;
  private readonly onStoreError: StoreErrorHandler;
  private readonly storeTimeoutMs: number;
  private readonly blocked: BlockedKeyCache | null;

  /** Takes any ThrottleStore, or an ioredis client (Redis or Cluster) that it wraps in a RedisThrottleStore. */
  constructor(store: ThrottleStore | Redis | Cluster, options: AttemptThrottleOptions) {
    this.store = isRedisClient(store) ? new RedisThrottleStore(store) : store;
    this.policy = counterPolicy(options);
    this.namespace = checkedNamespace(options.namespace);
    this.failOpen = options.failOpen;
    this.onStoreError = options.onStoreError ?? warnAtMostOncePer(60_000);
    this.storeTimeoutMs = options.storeTimeoutMs ?? 1_000;
    this.blocked = options.blockedCache ? new BlockedKeyCache(options.blockedCache) : null;
  }

  /** Peeks at the key without counting anything. */
  async status(key: string): Promise<ThrottleStatus> {
    const storeKey = this.storeKey(key);
    const cached = this.cachedRefusal(storeKey);
    if (cached) return cached;
    const state = await this.call('status', () => this.store.peek(storeKey));
    return state ? this.observe(storeKey, state) : OPEN;
  }

  /** Counts one failure. */
  async hit(key: string): Promise<ThrottleStatus> {
    const storeKey = this.storeKey(key);
    const cached = this.cachedRefusal(storeKey);
    if (cached) return cached;
    const state = await this.call('hit', () => this.store.increment(storeKey, this.policy));
    return state ? this.observe(storeKey, state) : OPEN;
  }

  /**
   * Counts an attempt and says, atomically, whether it fits the budget: of N concurrent calls at
   * most maxAttempts are allowed. Reserve *before* verifying a secret; call reset on success.
   * Refused reservations are counted too (they tell how hard the key is pushed), but never
   * extend the window or the lock — unless the blocked cache answers them without the store.
   */
  async reserve(key: string): Promise<ThrottleReservation> {
    const storeKey = this.storeKey(key);
    const cached = this.cachedRefusal(storeKey);
    if (cached) return Object.freeze({ allowed: false, status: cached });
    const state = await this.call('reserve', () => this.store.increment(storeKey, this.policy));
    if (!state) return Object.freeze({ allowed: true, status: OPEN });
    // The attempt that reaches maxAttempts is the one that starts a lock, and is allowed.
    const { maxAttempts } = this.policy;
    const allowed = state.attempts <= maxAttempts && (state.lockedMs === 0 || state.attempts === maxAttempts);
    return Object.freeze({ allowed, status: this.observe(storeKey, state) });
  }

  /** Like reserve, but throws TooManyRequestsError when the attempt does not fit. */
  async reserveOrThrow(key: string): Promise<ThrottleStatus> {
    const { allowed, status } = await this.reserve(key);
    if (!allowed) throw new TooManyRequestsError(status.retryAfterSeconds);
    return status;
  }

  /** Throws TooManyRequestsError when the key is blocked; counts nothing. */
  async throwIfBlocked(key: string): Promise<void> {
    const status = await this.status(key);
    if (status.blocked) throw new TooManyRequestsError(status.retryAfterSeconds);
  }

  /** Forgets the key, lockout history included: call it after a success. */
  async reset(key: string): Promise<void> {
    const storeKey = this.storeKey(key);
    this.blocked?.forget(storeKey);
    await this.call('reset', () => this.store.delete(storeKey));
  }

  /**
   * Keys longer than 200 characters or holding control characters (a 1 MB "email", a NUL that
   * Postgres would reject) are stored as their SHA-256, so no input can bloat or break the store.
   */
  private storeKey(key: string): string {
    const plain = key.length <= MAX_PLAIN_KEY_LENGTH && !/\p{Cc}/u.test(key);
    return `${this.namespace}:${plain ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`}`;
  }

  /** The store's answer as a status, remembered by the blocked cache when it refuses. */
  private observe(storeKey: string, state: CounterState): ThrottleStatus {
    const blocked = state.lockedMs > 0 || state.attempts >= this.policy.maxAttempts;
    const retryAfterMs = blocked ? Math.max(state.lockedMs, state.windowResetMs) : 0;
    this.blocked?.remember(storeKey, state.attempts, retryAfterMs);
    return statusOf(state.attempts, blocked, retryAfterMs);
  }

  private cachedRefusal(storeKey: string): ThrottleStatus | null {
    const cached = this.blocked?.get(storeKey);
    return cached ? statusOf(cached.attempts, true, cached.retryAfterMs) : null;
  }

  /** Runs one store call within storeTimeoutMs; a failure is never taken for "blocked". */
  private async call<T>(operation: ThrottleOperation, run: () => Promise<T>): Promise<T | null> {
    try {
      return await withTimeout(run(), this.storeTimeoutMs);
    } catch (error) {
      this.onStoreError(error, { namespace: this.namespace, operation });
      if (this.failOpen) return null;
      throw new StoreUnavailableError(undefined, { cause: error });
    }
  }
}

const OPEN: ThrottleStatus = Object.freeze({ attempts: 0, blocked: false, retryAfterSeconds: 0 });

/** `retryAfterSeconds` is whole seconds ≥ 1 when blocked, else 0. */
function statusOf(attempts: number, blocked: boolean, retryAfterMs: number): ThrottleStatus {
  const retryAfterSeconds = blocked ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 0;
  return Object.freeze({ attempts, blocked, retryAfterSeconds });
}

function isRedisClient(store: ThrottleStore | Redis | Cluster): store is Redis | Cluster {
  return 'evalsha' in store && 'defineCommand' in store;
}

function counterPolicy(options: AttemptThrottleOptions): CounterPolicy {
  const { maxAttempts, windowSeconds, lockout } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  if (!(windowSeconds > 0)) throw new RangeError('windowSeconds must be > 0');
  if (!lockout) return { windowMs: Math.ceil(windowSeconds * 1000), maxAttempts, lockout: null };
  const { baseSeconds, multiplier = 2, maxSeconds = DAY_SECONDS, memorySeconds = DAY_SECONDS } = lockout;
  if (!(baseSeconds > 0) || !(maxSeconds >= baseSeconds)) throw new RangeError('lockout needs 0 < baseSeconds ≤ maxSeconds');
  if (!(multiplier >= 1 && multiplier <= 100)) throw new RangeError('lockout.multiplier must be within [1, 100]');
  if (!(memorySeconds >= 0)) throw new RangeError('lockout.memorySeconds must be ≥ 0');
  const ms = (seconds: number) => Math.ceil(seconds * 1000);
  return {
    windowMs: ms(windowSeconds),
    maxAttempts,
    lockout: { baseMs: ms(baseSeconds), multiplier, maxMs: ms(maxSeconds), memoryMs: ms(memorySeconds) },
  };
}

function checkedNamespace(namespace: string): string {
  if (!/^[\w.:-]{1,100}$/.test(namespace)) throw new RangeError('namespace must be 1–100 of [A-Za-z0-9_.:-]');
  return namespace;
}

/**
 * The caller stops waiting; the store's own work may still finish later (postgres.js, for one,
 * keeps a query queued while it cannot connect and runs it on reconnect).
 */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`throttle store did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}

function warnAtMostOncePer(intervalMs: number): StoreErrorHandler {
  let lastWarnedAt = -Infinity;
  return (error, { namespace, operation }) => {
    if (Date.now() - lastWarnedAt < intervalMs) return;
    lastWarnedAt = Date.now();
    console.warn(`[throttle] store failed (${namespace}, ${operation}):`, error);
  };
}
