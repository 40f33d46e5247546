import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError, TooManyRequestsError } from './errors';
import { AttemptThrottle, type AttemptThrottleOptions, type ThrottleStore } from './throttle';
import { MemoryThrottleStore } from './throttle-memory';

function setup(options: Partial<AttemptThrottleOptions> = {}) {
  let now = 1_700_000_000_000;
  const store = new MemoryThrottleStore(() => now);
  const throttle = new AttemptThrottle(store, { maxAttempts: 3, windowSeconds: 60, namespace: 'test', failOpen: false, ...options });
  return { store, throttle, advance: (seconds: number) => (now += seconds * 1000) };
}

async function times<T>(n: number, call: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < n; i++) results.push(await call());
  return results;
}

const failingStore = (error = new Error('connection refused')): ThrottleStore => ({
  increment: () => Promise.reject(error),
  peek: () => Promise.reject(error),
  delete: () => Promise.reject(error),
});

describe('AttemptThrottle', () => {
  it('blocks once attempts reach maxAttempts, with retryAfterSeconds 0 until then', async () => {
    const { throttle } = setup();
    const statuses = await times(4, () => throttle.hit('a@example.com'));
    expect(statuses.map((s) => [s.attempts, s.blocked, s.retryAfterSeconds])).toEqual([
      [1, false, 0],
      [2, false, 0],
      [3, true, 60],
      [4, true, 60],
    ]);
    expect(Object.isFrozen(statuses[0])).toBe(true);
  });

  it('runs a fixed window from the first failure, rounding retryAfterSeconds up', async () => {
    const { throttle, advance } = setup();
    await throttle.hit('k');
    advance(40.5);
    await throttle.hit('k');
    expect(await throttle.hit('k')).toEqual({ attempts: 3, blocked: true, retryAfterSeconds: 20 });
    advance(19.4);
    expect((await throttle.status('k')).retryAfterSeconds).toBe(1);
    advance(0.1);
    expect(await throttle.status('k')).toEqual({ attempts: 0, blocked: false, retryAfterSeconds: 0 });
    expect((await throttle.hit('k')).attempts).toBe(1);
  });

  it('peeks with status without counting', async () => {
    const { throttle } = setup();
    await throttle.hit('k');
    await times(5, () => throttle.status('k'));
    expect((await throttle.status('k')).attempts).toBe(1);
  });

  it('forgets a key on reset', async () => {
    const { throttle } = setup();
    await times(3, () => throttle.hit('k'));
    await throttle.reset('k');
    expect(await throttle.status('k')).toEqual({ attempts: 0, blocked: false, retryAfterSeconds: 0 });
  });

  it('keeps namespaces apart on one store', async () => {
    const { store, throttle } = setup();
    const other = new AttemptThrottle(store, { maxAttempts: 3, windowSeconds: 60, namespace: 'other', failOpen: false });
    await times(3, () => throttle.hit('k'));
    expect((await other.status('k')).attempts).toBe(0);
  });

  it('stores long keys and keys with control characters as a bounded hash', async () => {
    const keys: string[] = [];
    const store = new MemoryThrottleStore();
    const recording: ThrottleStore = {
      increment: (key, policy) => (keys.push(key), store.increment(key, policy)),
      peek: (key) => store.peek(key),
      delete: (key) => store.delete(key),
    };
    const throttle = new AttemptThrottle(recording, { maxAttempts: 3, windowSeconds: 60, namespace: 'ns', failOpen: false });
    await throttle.hit('x'.repeat(1_000_000));
    await throttle.hit('a\u0000b');
    await throttle.hit('plain@example.com');
    expect(keys[0]).toMatch(/^ns:sha256:[0-9a-f]{64}$/);
    expect(keys[1]).toMatch(/^ns:sha256:[0-9a-f]{64}$/);
    expect(keys[2]).toBe('ns:plain@example.com');
    expect((await throttle.status('x'.repeat(1_000_000))).attempts).toBe(1);
  });

  it('throws TooManyRequestsError from throwIfBlocked only when blocked', async () => {
    const { throttle } = setup();
    await times(2, () => throttle.hit('k'));
    await expect(throttle.throwIfBlocked('k')).resolves.toBeUndefined();
    await throttle.hit('k');
    const error = await throttle.throwIfBlocked('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as TooManyRequestsError).retryAfterSeconds).toBe(60);
  });

  it('admits maxAttempts reservations, then refuses without extending the window', async () => {
    const { throttle, advance } = setup();
    const reservations = await times(5, () => throttle.reserve('k'));
    expect(reservations.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(reservations[2]?.status).toEqual({ attempts: 3, blocked: true, retryAfterSeconds: 60 });
    advance(30);
    const error = await throttle.reserveOrThrow('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as TooManyRequestsError).retryAfterSeconds).toBe(30);
    advance(30);
    await expect(throttle.reserveOrThrow('k')).resolves.toEqual({ attempts: 1, blocked: false, retryAfterSeconds: 0 });
  });

  describe('progressive lockout', () => {
    const lockout = { baseSeconds: 10, multiplier: 3, maxSeconds: 60, memorySeconds: 100 };

    it('locks for baseSeconds, multiplies on each remembered lockout and caps at maxSeconds', async () => {
      const { throttle, advance } = setup({ maxAttempts: 2, lockout });
      const lockFor = async () => {
        await throttle.hit('k');
        return (await throttle.hit('k')).retryAfterSeconds;
      };
      expect(await lockFor()).toBe(10);
      advance(10);
      expect(await lockFor()).toBe(30);
      advance(30);
      expect(await lockFor()).toBe(60);
    });

    it('reports the remaining lock while locked, then starts a fresh budget', async () => {
      const { throttle, advance } = setup({ maxAttempts: 2, windowSeconds: 5, lockout });
      await times(2, () => throttle.hit('k'));
      advance(7);
      expect(await throttle.status('k')).toEqual({ attempts: 2, blocked: true, retryAfterSeconds: 3 });
      expect((await throttle.reserve('k')).allowed).toBe(false);
      advance(3);
      expect(await throttle.status('k')).toEqual({ attempts: 0, blocked: false, retryAfterSeconds: 0 });
      expect((await throttle.reserve('k')).allowed).toBe(true);
    });

    it('allows the reservation that starts the lock and refuses the next', async () => {
      const { throttle } = setup({ maxAttempts: 2, lockout });
      const reservations = await times(3, () => throttle.reserve('k'));
      expect(reservations.map((r) => r.allowed)).toEqual([true, true, false]);
      expect(reservations[2]?.status.retryAfterSeconds).toBe(10);
    });

    it('forgets past lockouts after memorySeconds', async () => {
      const { throttle, advance } = setup({ maxAttempts: 1, lockout });
      expect((await throttle.hit('k')).retryAfterSeconds).toBe(10);
      advance(10 + 100);
      expect((await throttle.hit('k')).retryAfterSeconds).toBe(10);
      advance(10 + 99);
      expect((await throttle.hit('k')).retryAfterSeconds).toBe(30);
    });
  });

  describe('when the store fails', () => {
    it('fails open: lets the request through and reports the error', async () => {
      const onStoreError = vi.fn();
      const throttle = new AttemptThrottle(failingStore(), { maxAttempts: 1, windowSeconds: 60, namespace: 'ns', failOpen: true, onStoreError });
      expect(await throttle.hit('k')).toEqual({ attempts: 0, blocked: false, retryAfterSeconds: 0 });
      expect(await throttle.reserve('k')).toEqual({ allowed: true, status: { attempts: 0, blocked: false, retryAfterSeconds: 0 } });
      await expect(throttle.throwIfBlocked('k')).resolves.toBeUndefined();
      await expect(throttle.reset('k')).resolves.toBeUndefined();
      expect(onStoreError.mock.calls.map(([, context]) => context)).toEqual([
        { namespace: 'ns', operation: 'hit' },
        { namespace: 'ns', operation: 'reserve' },
        { namespace: 'ns', operation: 'status' },
        { namespace: 'ns', operation: 'reset' },
      ]);
    });

    it('fails closed with StoreUnavailableError, never TooManyRequestsError', async () => {
      const onStoreError = vi.fn();
      const cause = new Error('connection refused');
      const throttle = new AttemptThrottle(failingStore(cause), { maxAttempts: 1, windowSeconds: 60, namespace: 'ns', failOpen: false, onStoreError });
      for (const call of [() => throttle.reserveOrThrow('k'), () => throttle.throwIfBlocked('k'), () => throttle.hit('k')]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).cause).toBe(cause);
      }
      expect(onStoreError).toHaveBeenCalledTimes(3);
    });

    it('gives up on a store that never answers after storeTimeoutMs', async () => {
      const never = new Promise<never>(() => undefined);
      const hung: ThrottleStore = { increment: () => never, peek: () => never, delete: () => never };
      const throttle = new AttemptThrottle(hung, { maxAttempts: 1, windowSeconds: 60, namespace: 'ns', failOpen: false, storeTimeoutMs: 50, onStoreError: () => undefined });
      const started = Date.now();
      await expect(throttle.reserve('k')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('warns on the console at most once a minute by default', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const throttle = new AttemptThrottle(failingStore(), { maxAttempts: 1, windowSeconds: 60, namespace: 'ns', failOpen: true });
      await times(3, () => throttle.hit('k'));
      expect(warn).toHaveBeenCalledTimes(1);
      warn.mockRestore();
    });
  });

  it('wraps an ioredis client, recognised by its shape, in the Redis store', async () => {
    const evalsha = vi.fn(async () => [1, 60_000, 0]);
    const client = { evalsha, eval: vi.fn(), defineCommand: vi.fn(), del: vi.fn() };
    const throttle = new AttemptThrottle(client as never, { maxAttempts: 3, windowSeconds: 60, namespace: 'ns', failOpen: false });
    expect(await throttle.hit('k')).toEqual({ attempts: 1, blocked: false, retryAfterSeconds: 0 });
    expect(evalsha).toHaveBeenCalledWith(expect.stringMatching(/^[0-9a-f]{40}$/), 1, 'ns:k', 60_000);
  });

  it('refuses nonsensical options', () => {
    const store = new MemoryThrottleStore();
    const base = { maxAttempts: 3, windowSeconds: 60, namespace: 'ns', failOpen: false };
    expect(() => new AttemptThrottle(store, { ...base, maxAttempts: 0 })).toThrow(RangeError);
    expect(() => new AttemptThrottle(store, { ...base, windowSeconds: 0 })).toThrow(RangeError);
    expect(() => new AttemptThrottle(store, { ...base, namespace: 'has space' })).toThrow(RangeError);
    const lockout = { baseSeconds: 10, maxSeconds: 5 };
    expect(() => new AttemptThrottle(store, { ...base, lockout })).toThrow(RangeError);
  });
});
