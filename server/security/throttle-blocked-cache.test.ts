import { describe, expect, it } from 'vitest';
import { AttemptThrottle, type CounterPolicy, type ThrottleStore } from './throttle';
import { MemoryThrottleStore } from './throttle-memory';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A shared store that counts the calls reaching it, as a network store would count round trips. */
class CountingStore implements ThrottleStore {
  calls = 0;
  private readonly inner = new MemoryThrottleStore();
  increment(key: string, policy: CounterPolicy) {
    this.calls += 1;
    return this.inner.increment(key, policy);
  }

  peek(key: string) {
    this.calls += 1;
    return this.inner.peek(key);
  }

  delete(key: string) {
    this.calls += 1;
    return this.inner.delete(key);
  }
}

function instance(store: ThrottleStore, maxStaleMs = 60_000, maxKeys = 100) {
  return new AttemptThrottle(store, {
    maxAttempts: 3, windowSeconds: 60, namespace: 'cached', failOpen: false, blockedCache: { maxKeys, maxStaleMs },
  });
}

describe('the blocked-key cache', () => {
  it('answers a key the store refused without asking it again, with the same refusal', async () => {
    const store = new CountingStore();
    const throttle = instance(store);
    for (let i = 0; i < 3; i++) expect((await throttle.reserve('k')).allowed).toBe(true);
    const refused = await throttle.reserve('k');
    expect(refused).toEqual({ allowed: false, status: { attempts: 3, blocked: true, retryAfterSeconds: 60 } });
    const callsBefore = store.calls;
    const flood = await Promise.all(Array.from({ length: 500 }, () => throttle.reserve('k')));
    const refusedFromCache = ({ allowed, status }: (typeof flood)[number]) =>
      !allowed && status.blocked && status.retryAfterSeconds === 60;
    expect(flood.every(refusedFromCache)).toBe(true);
    await expect(throttle.throwIfBlocked('k')).rejects.toMatchObject({ status: 429 });
    expect(store.calls).toBe(callsBefore);
  });

  it('never answers a key the store has not refused', async () => {
    const store = new CountingStore();
    const throttle = instance(store);
    await Promise.all(['a', 'b', 'c'].map((key) => throttle.reserve(key)));
    expect((await throttle.reserve('a')).allowed).toBe(true);
    expect(store.calls).toBe(4);
  });

  it('forgets a key on reset, and trusts an entry no longer than maxStaleMs when another instance resets it', async () => {
    const store = new CountingStore();
    const [first, second] = [instance(store, 50), instance(store, 50)];
    for (let i = 0; i < 4; i++) await first.reserve('k');
    expect((await first.reserve('k')).allowed).toBe(false);
    await second.reset('k');
    expect((await second.reserve('k')).allowed).toBe(true);
    await sleep(60);
    expect((await first.reserve('k')).allowed).toBe(true);
    await first.reset('k');
    expect((await first.status('k')).blocked).toBe(false);
  });

  it('holds at most maxKeys entries, the oldest going first', async () => {
    const store = new CountingStore();
    const throttle = instance(store, 60_000, 2);
    for (const key of ['a', 'b', 'c']) for (let i = 0; i < 4; i++) await throttle.reserve(key);
    const callsBefore = store.calls;
    for (const key of ['b', 'c']) expect((await throttle.reserve(key)).allowed).toBe(false);
    expect(store.calls).toBe(callsBefore);
    expect((await throttle.reserve('a')).allowed).toBe(false);
    expect(store.calls).toBe(callsBefore + 1);
  });
});
