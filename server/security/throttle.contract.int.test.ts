// One contract for every ThrottleStore (memory, Redis, Postgres), plus what only a networked
// store can show: outages through a cuttable proxy, Redis TTLs and Cluster, Postgres cleanup.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type RedisCluster, redisCliNextTo, startRedisCluster } from '../../test/redis-cluster';
import { startTcpProxy, type TcpProxy } from '../../test/tcp-proxy';
import { StoreUnavailableError } from './errors';
import { AttemptThrottle, type AttemptThrottleOptions, type ThrottleStore } from './throttle';
import { MemoryThrottleStore } from './throttle-memory';
import { PostgresThrottleStore } from './throttle-postgres';
import { createThrottleRedisClient, RedisThrottleStore } from './throttle-redis';

const redisUrl = inject('redisUrl');
const redisBin = inject('redisBin');
const databaseUrl = inject('databaseUrl');
const redisCli = redisCliNextTo(redisBin);
if (!redisUrl) console.warn('[throttle contract] redis-server not found: the Redis store suites are skipped.');
// In CI nothing may be skipped (test/global-setup.ts already refuses a missing redis-server).
if (!redisCli && process.env.CI) throw new Error('CI: redis-cli not found next to redis-server; the Redis Cluster suite must not be skipped.');
if (!redisCli) console.warn('[throttle contract] redis-server or redis-cli not found: the Redis Cluster suite is skipped.');

const namespace = () => `t-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OPEN = { attempts: 0, blocked: false, retryAfterSeconds: 0 };

function throttleOn(store: ThrottleStore, options: Partial<AttemptThrottleOptions> = {}) {
  return new AttemptThrottle(
    store,
    { maxAttempts: 3, windowSeconds: 60, namespace: namespace(), failOpen: false, ...options },
  );
}

function contract(name: string, store: () => ThrottleStore) {
  describe(`${name} store contract`, () => {
    it('counts failures and blocks at maxAttempts, retryAfter being the rest of the window', async () => {
      const throttle = throttleOn(store());
      const statuses = [await throttle.hit('k'), await throttle.hit('k'), await throttle.hit('k')];
      expect(statuses).toEqual([
        { attempts: 1, blocked: false, retryAfterSeconds: 0 },
        { attempts: 2, blocked: false, retryAfterSeconds: 0 },
        { attempts: 3, blocked: true, retryAfterSeconds: 60 },
      ]);
      await expect(throttle.throwIfBlocked('k')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 60 });
    });

    it('peeks with status without counting', async () => {
      const throttle = throttleOn(store());
      expect(await throttle.status('k')).toEqual(OPEN);
      await throttle.hit('k');
      await Promise.all(Array.from({ length: 5 }, () => throttle.status('k')));
      expect(await throttle.status('k')).toEqual({ attempts: 1, blocked: false, retryAfterSeconds: 0 });
    });

    it('ends the window windowSeconds after the first failure', async () => {
      const throttle = throttleOn(store(), { maxAttempts: 2, windowSeconds: 1 });
      await throttle.hit('k');
      await sleep(500);
      expect((await throttle.hit('k')).retryAfterSeconds).toBe(1);
      await sleep(600);
      expect(await throttle.status('k')).toEqual(OPEN);
      expect((await throttle.hit('k')).attempts).toBe(1);
    });

    it('keeps namespaces apart and forgets a key on reset', async () => {
      const first = throttleOn(store());
      const second = throttleOn(store());
      await first.hit('k');
      await first.hit('other');
      expect((await second.status('k')).attempts).toBe(0);
      await first.reset('k');
      expect(await first.status('k')).toEqual(OPEN);
      expect((await first.status('other')).attempts).toBe(1);
    });

    it('accepts huge keys and keys with NUL bytes', async () => {
      const throttle = throttleOn(store());
      for (const key of ['x'.repeat(1_000_000), 'a\u0000b']) {
        await throttle.hit(key);
        expect((await throttle.status(key)).attempts).toBe(1);
      }
    });

    it('loses no count under 200 concurrent hits', async () => {
      const throttle = throttleOn(store(), { maxAttempts: 1_000 });
      const statuses = await Promise.all(Array.from({ length: 200 }, () => throttle.hit('k')));
      expect(new Set(statuses.map((s) => s.attempts)).size).toBe(200);
      expect((await throttle.status('k')).attempts).toBe(200);
    });

    it('admits exactly maxAttempts of 200 concurrent reservations', async () => {
      const throttle = throttleOn(store(), { maxAttempts: 5 });
      const reservations = await Promise.all(Array.from({ length: 200 }, () => throttle.reserve('k')));
      expect(reservations.filter((r) => r.allowed)).toHaveLength(5);
      await expect(throttle.reserveOrThrow('k')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 60 });
    });

    it('lets check-then-hit race past the budget, where reserve does not', async () => {
      const throttle = throttleOn(store(), { maxAttempts: 5 });
      const verifyPassword = () => sleep(20).then(() => false);
      let passedCheck = 0;
      await Promise.all(Array.from({ length: 100 }, async () => {
        if ((await throttle.status('check-then-hit')).blocked) return;
        passedCheck += 1;
        if (!(await verifyPassword())) await throttle.hit('check-then-hit');
      }));
      let reserved = 0;
      await Promise.all(Array.from({ length: 100 }, async () => {
        if (!(await throttle.reserve('reserve')).allowed) return;
        reserved += 1;
        await verifyPassword();
      }));
      expect(passedCheck).toBeGreaterThan(5);
      expect(reserved).toBe(5);
    });

    it('locks progressively: baseSeconds, then × multiplier, capped at maxSeconds, forgotten after memorySeconds', async () => {
      const lockout = { baseSeconds: 1, multiplier: 3, maxSeconds: 2, memorySeconds: 60 };
      const throttle = throttleOn(store(), { maxAttempts: 2, windowSeconds: 30, lockout });
      const forgetful = throttleOn(
        store(),
        { maxAttempts: 1, windowSeconds: 30, lockout: { ...lockout, memorySeconds: 0.01 } },
      );
      await throttle.hit('k');
      expect(await throttle.hit('k')).toEqual({ attempts: 2, blocked: true, retryAfterSeconds: 1 });
      expect(await forgetful.hit('k')).toEqual({ attempts: 1, blocked: true, retryAfterSeconds: 1 });
      expect((await throttle.reserve('k')).allowed).toBe(false);
      await sleep(1_100);
      expect(await throttle.status('k')).toEqual(OPEN);
      expect((await throttle.reserve('k')).allowed).toBe(true);
      expect(await throttle.reserve('k')).toEqual({ allowed: true, status: { attempts: 2, blocked: true, retryAfterSeconds: 2 } });
      expect(await throttle.status('k')).toMatchObject({ blocked: true, retryAfterSeconds: 2 });
      expect(await forgetful.hit('k')).toEqual({ attempts: 1, blocked: true, retryAfterSeconds: 1 });
    });
  });
}

type Outage = {
  targetUrl: () => string;
  connect: (url: string) => { store: ThrottleStore; close(): Promise<void> };
  /** postgres.js keeps queries queued through the outage and runs them on reconnect. */
  countsLate: boolean;
};

function outage(name: string, { targetUrl, connect, countsLate }: Outage) {
  describe(`${name} store outage`, () => {
    let proxy: TcpProxy;
    let connection: ReturnType<typeof connect>;
    const onStoreError = vi.fn();

    beforeAll(async () => {
      proxy = await startTcpProxy(targetUrl());
      connection = connect(proxy.url);
    });
    afterAll(async () => {
      await connection.close();
      await proxy.close();
    });

    const within2s = async <T>(call: () => Promise<T>): Promise<T | unknown> => {
      const started = performance.now();
      const outcome = await call().catch((error: unknown) => error);
      expect(performance.now() - started).toBeLessThan(2_000);
      return outcome;
    };

    it('fails open or closed in bounded time while down, and recovers when the store returns', async () => {
      const ns = namespace();
      const options = { maxAttempts: 1, windowSeconds: 60, namespace: ns };
      const open = new AttemptThrottle(connection.store, { ...options, failOpen: true, onStoreError });
      const closed = new AttemptThrottle(
        connection.store,
        { ...options, failOpen: false, onStoreError: () => undefined },
      );
      expect(await open.hit('k')).toMatchObject({ attempts: 1, blocked: true });

      proxy.cut();
      for (let i = 0; i < 2; i++) {
        expect(await within2s(() => open.hit('k'))).toEqual(OPEN);
        expect(await within2s(() => open.reserve('k'))).toEqual({ allowed: true, status: OPEN });
        expect(await within2s(() => open.throwIfBlocked('k'))).toBeUndefined();
        expect(await within2s(() => closed.reserveOrThrow('k'))).toBeInstanceOf(StoreUnavailableError);
        expect(await within2s(() => closed.status('k'))).toBeInstanceOf(StoreUnavailableError);
      }
      expect(onStoreError).toHaveBeenCalledWith(expect.anything(), { namespace: ns, operation: 'hit' });
      expect(onStoreError).toHaveBeenCalledWith(expect.anything(), { namespace: ns, operation: 'reserve' });

      proxy.restore();
      const deadline = Date.now() + 10_000;
      let status = await closed.status('k').catch(() => null);
      while (!status && Date.now() < deadline) {
        await sleep(100);
        status = await closed.status('k').catch(() => null);
      }
      expect(status).toMatchObject({ blocked: true });
      if (!countsLate) expect(status).toMatchObject({ attempts: 1 });
      await expect(closed.reserveOrThrow('k')).rejects.toMatchObject({ status: 429 });
    });
  });
}

describe('memory', () => {
  const store = new MemoryThrottleStore();
  contract('memory', () => store);
});

describe.skipIf(!redisUrl)('redis', () => {
  let redis: Redis;
  let store: RedisThrottleStore;
  beforeAll(() => {
    redis = createThrottleRedisClient(redisUrl ?? '');
    store = new RedisThrottleStore(redis);
  });
  afterAll(() => redis.quit());

  contract('redis', () => store);
  outage('redis', {
    targetUrl: () => redisUrl ?? '',
    connect: (url) => {
      const client = createThrottleRedisClient(url);
      return { store: new RedisThrottleStore(client), close: async () => void client.disconnect() };
    },
    countsLate: false,
  });

  it('accepts a raw ioredis client in place of a store', async () => {
    const throttle = new AttemptThrottle(redis, { maxAttempts: 2, windowSeconds: 60, namespace: 'raw', failOpen: false });
    await throttle.reset('k');
    await throttle.hit('k');
    expect((await throttle.reserve('k')).allowed).toBe(true);
    expect((await redis.get('raw:k'))?.split(':')[0]).toBe('2');
  });

  it('never leaves a counter without a TTL, and repairs one that lost it', async () => {
    const ns = namespace();
    const throttle = new AttemptThrottle(redis, { maxAttempts: 3, windowSeconds: 60, namespace: ns, failOpen: false });
    await Promise.all(Array.from({ length: 20 }, (_, i) => throttle.hit(`k${i % 4}`)));
    for (let i = 0; i < 4; i++) {
      const ttl = await redis.pttl(`${ns}:k${i}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await redis.persist(`${ns}:k0`);
    expect(await redis.pttl(`${ns}:k0`)).toBe(-1);
    await throttle.hit('k0');
    expect(await redis.pttl(`${ns}:k0`)).toBeGreaterThan(0);
  });

  it('keeps a locked key until its lockout memory ends', async () => {
    const ns = namespace();
    const lockout = { baseSeconds: 10, memorySeconds: 100 };
    const throttle = new AttemptThrottle(
      redis,
      { maxAttempts: 1, windowSeconds: 60, namespace: ns, failOpen: false, lockout },
    );
    await throttle.hit('k');
    const ttl = await redis.pttl(`${ns}:k`);
    expect(ttl).toBeGreaterThan(109_000);
    expect(ttl).toBeLessThanOrEqual(110_000);
  });

  it('carries on counting a counter kept in an earlier form or under the other policy', async () => {
    const ns = namespace();
    const inAMinute = Date.now() + 60_000;
    const plain = new AttemptThrottle(redis, { maxAttempts: 3, windowSeconds: 60, namespace: ns, failOpen: false });
    const locking = new AttemptThrottle(
      redis,
      { maxAttempts: 3, windowSeconds: 60, namespace: ns, failOpen: false, lockout: { baseSeconds: 30 } },
    );
    await redis.set(`${ns}:earlier`, `2:${inAMinute}:0:0:0`, 'PX', 60_000);
    expect(await plain.status('earlier')).toMatchObject({ attempts: 2, blocked: false });
    expect(await plain.hit('earlier')).toEqual({ attempts: 3, blocked: true, retryAfterSeconds: 60 });
    const hash = { attempts: 1, windowEnd: inAMinute, lockedUntil: inAMinute, lockouts: 1, lockoutsEnd: inAMinute };
    await redis.multi().hset(`${ns}:locked`, hash).pexpire(`${ns}:locked`, 60_000).exec();
    expect(await locking.status('locked')).toEqual({ attempts: 1, blocked: true, retryAfterSeconds: 60 });
    expect(await locking.hit('locked')).toEqual({ attempts: 2, blocked: true, retryAfterSeconds: 60 });
    await plain.hit('switched');
    await plain.hit('switched');
    expect(await locking.hit('switched')).toEqual({ attempts: 3, blocked: true, retryAfterSeconds: 30 });
    expect(await plain.hit('switched')).toMatchObject({ attempts: 4, blocked: true });
  });

  it('runs the script again after the server forgot it (SCRIPT FLUSH)', async () => {
    const throttle = throttleOn(store);
    await throttle.hit('k');
    await redis.script('FLUSH');
    expect((await throttle.hit('k')).attempts).toBe(2);
  });
});

describe.skipIf(!redisCli)('redis cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(redisBin ?? '', redisCli ?? '');
  });
  afterAll(() => cluster.stop());

  it('works on a 3-node Redis Cluster: one key per counter, each on the master of its slot, all three used', async () => {
    const ns = namespace();
    const throttle = new AttemptThrottle(
      cluster.client,
      { maxAttempts: 5, windowSeconds: 60, namespace: ns, failOpen: false },
    );
    // Keys that differ in a digit or two hash to related slots (CRC16 is linear), so a dozen of
    // them can all fall on one master by chance: the keys are taken until they cover all three.
    const owners = new Map<string, number>();
    for (let i = 0; owners.size < 12 || new Set(owners.values()).size < 3; i++) {
      if (i >= 200) throw new Error('200 keys and still not every master: the cluster has lost slots');
      const key = `user${i}@example.com`;
      owners.set(key, await cluster.masterOf(`${ns}:${key}`));
    }
    const keys = [...owners.keys()];
    const calls = keys.flatMap((key) => Array.from({ length: 20 }, () => throttle.reserve(key)));
    const reservations = await Promise.all(calls);
    expect(reservations.filter((r) => r.allowed)).toHaveLength(keys.length * 5);
    expect((await throttle.status('user0@example.com')).attempts).toBe(20);
    // Asked of each server directly: ioredis' own node list may not have every master yet.
    const keysPerNode = await Promise.all(cluster.ports.map((port) => cluster.dbsize(port)));
    const expected = cluster.ports.map((port) => [...owners.values()].filter((owner) => owner === port).length);
    expect(keysPerNode).toEqual(expected);
    expect(keysPerNode.every((count) => count > 0)).toBe(true);
  });
});

describe('postgres', () => {
  let sql: Sql;
  let store: PostgresThrottleStore;
  beforeAll(() => {
    sql = postgres(databaseUrl, { max: 20, onnotice: () => undefined });
    store = new PostgresThrottleStore(sql);
  });
  afterAll(() => sql.end({ timeout: 5 }));

  contract('postgres', () => store);
  outage('postgres', {
    targetUrl: () => databaseUrl,
    connect: (url) => {
      const client = postgres(
        url,
        { max: 4, connect_timeout: 1, onnotice: () => undefined, connection: { statement_timeout: 1_000 } },
      );
      return { store: new PostgresThrottleStore(client), close: () => client.end({ timeout: 1 }) };
    },
    countsLate: true,
  });

  it('deletes expired rows in bounded batches, keeping live windows and remembered lockouts', async () => {
    const ns = namespace();
    await sql`
      INSERT INTO throttle_counters (key, attempts, window_expires_at, lockouts, lockouts_expire_at)
      SELECT ${ns} || ':expired' || i, 1, now() - interval '1 second', 0, NULL::timestamptz FROM generate_series(1, 5) i
      UNION ALL SELECT ${ns} || ':live', 1, now() + interval '1 minute', 0, NULL
      UNION ALL SELECT ${ns} || ':remembered', 1, now() - interval '1 second', 1, now() + interval '1 minute'`;
    expect(await store.deleteExpired(2)).toBe(2);
    while ((await store.deleteExpired(1_000)) > 0);
    const left = await sql<{ key: string }[]>`SELECT key FROM throttle_counters WHERE key LIKE ${`${ns}:%`} ORDER BY key`;
    expect(left.map((row) => row.key)).toEqual([`${ns}:live`, `${ns}:remembered`]);
  });
});
