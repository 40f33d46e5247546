// Benchmark, not a test: the Redis throttle store (one Lua round trip per call) against
// rate-limiter-flexible's RateLimiterRedis.consume and the naive get/incr/expire/ttl sequence,
// on one throwaway redis-server. Run with `npm run bench` or `npx tsx bench/throttle.ts`.
import { pathToFileURL } from 'node:url';
import Redis from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { redisServerBin, startRedisServer } from '../test/services';
import { AttemptThrottle } from '../server/security/throttle';
import { RedisThrottleStore } from '../server/security/throttle-redis';
import { median } from './load';

const OPS = 20_000;
const CONCURRENCY = 50;
const KEYS = 1_000;
const TIME_LIMIT_MS = 15_000;
/**
 * Rounds interleave the cases, in reverse order every other round; each case reports its median
 * round, and its ratio to `consume` is the median of the ratios within each round, which evens
 * out a noisy machine.
 */
const ROUNDS = 7;

const CONSUME = 'RateLimiterRedis.consume';
const RESERVE = 'AttemptThrottle.reserve (Redis store)';

type Case = { name: string; call: (key: string) => Promise<unknown> };
type Result = {
  name: string;
  ops: number;
  seconds: number;
  roundTrips: number;
  serverCommands: number;
  /** Server time per call: the scripts' own (nested commands included), or every command's when no script runs. */
  serverUsec: number;
  /** This process's CPU time per call (user + system): the client's share of the work. */
  clientUsec: number;
  p50: number;
  p99: number;
};

/** Counts what the client sends: every command goes through sendCommand, one round trip each here (no pipelines). */
function countRoundTrips(client: Redis): () => number {
  let sent = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    sent += 1;
    return send(...args);
  };
  return () => sent;
}

type ServerWork = { commands: number; usec: number; scriptUsec: number };

/** Commands the server ran and its time in them, from INFO commandstats (commands inside scripts included). */
async function serverWork(admin: Redis): Promise<ServerWork> {
  const info = await admin.info('commandstats');
  const work = { commands: 0, usec: 0, scriptUsec: 0 };
  for (const [, name, calls, usec] of info.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g)) {
    work.commands += Number(calls);
    if (name === 'info') continue;
    work.usec += Number(usec);
    if (name === 'evalsha' || name === 'eval') work.scriptUsec += Number(usec);
  }
  return work;
}

async function measure(admin: Redis, sent: () => number, { name, call }: Case): Promise<Result> {
  const latencies: number[] = [];
  const [sentBefore, before] = [sent(), await serverWork(admin)];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < OPS && performance.now() - started < TIME_LIMIT_MS) {
      const key = `user${next++ % KEYS}@example.com`;
      const t = performance.now();
      await call(key);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const ops = latencies.length;
  // The INFO call itself counts as one server command.
  const after = await serverWork(admin);
  const commands = after.commands - before.commands - 1;
  const scriptUsec = after.scriptUsec - before.scriptUsec;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(ops - 1, Math.floor(ops * p))] ?? 0;
  const roundTrips = (sent() - sentBefore) / ops;
  return {
    name,
    ops,
    seconds,
    roundTrips,
    serverCommands: commands / ops,
    clientUsec: (cpu.user + cpu.system) / ops,
    serverUsec: (scriptUsec || after.usec - before.usec) / ops,
    p50: percentile(0.5),
    p99: percentile(0.99),
  };
}

/**
 * `reserve` and `consume` at once, each on its own connection with half the calls in flight, until
 * OPS calls in all: both meet the machine at the same moments, so the ratio of the calls each
 * completed says which is faster even when a neighbour's load swings the rounds above.
 */
async function sideBySide(reserve: Case, consume: Case): Promise<number> {
  let started = 0;
  const done = [0, 0];
  const deadline = performance.now() + TIME_LIMIT_MS;
  const workers = [reserve, consume].flatMap(({ call }, i) => Array.from({ length: CONCURRENCY / 2 }, async () => {
    while (started < OPS && performance.now() < deadline) {
      await call(`user${started++ % KEYS}@example.com`);
      done[i] = (done[i] ?? 0) + 1;
    }
  }));
  await Promise.all(workers);
  return (done[0] ?? 0) / Math.max(1, done[1] ?? 0);
}

function cases(client: Redis): Case[] {
  const store = new RedisThrottleStore(client);
  const throttle = new AttemptThrottle(store, { maxAttempts: 1_000_000_000, windowSeconds: 60, namespace: 'bench-throttle', failOpen: false });
  const limiter = new RateLimiterRedis({ storeClient: client, points: 1_000_000_000, duration: 60, keyPrefix: 'bench-rlf' });
  // Every key locked at its first attempt: each call after that is a refusal of a blocked key.
  const locked = new AttemptThrottle(store, {
    maxAttempts: 1, windowSeconds: 600, namespace: 'bench-locked', failOpen: false,
    blockedCache: { maxKeys: 10_000, maxStaleMs: 1_000 },
  });
  const lockedUncached = new AttemptThrottle(store, { maxAttempts: 1, windowSeconds: 600, namespace: 'bench-locked-rt', failOpen: false });
  // Never reaches its budget: the lockout bookkeeping (TIME, one string of five numbers) on every call.
  const locking = new AttemptThrottle(store, {
    maxAttempts: 1_000_000_000, windowSeconds: 60, namespace: 'bench-locking', failOpen: false, lockout: { baseSeconds: 60 },
  });
  return [
    { name: 'AttemptThrottle.hit (Redis store)', call: (key) => throttle.hit(key) },
    { name: RESERVE, call: (key) => throttle.reserve(key) },
    { name: CONSUME, call: (key) => limiter.consume(key) },
    { name: 'reserve with a lockout policy', call: (key) => locking.reserve(key) },
    { name: 'reserve on a blocked key, no cache', call: (key) => lockedUncached.reserve(key) },
    { name: 'reserve on a blocked key, blocked cache', call: (key) => locked.reserve(key) },
    {
      name: 'naive get/incr/expire/ttl',
      call: async (key) => {
        const name = `bench-naive:${key}`;
        await client.get(name);
        await client.incr(name);
        await client.expire(name, 60);
        return client.ttl(name);
      },
    },
  ];
}

const rate = (result: Result) => result.ops / result.seconds;

/** Each case's median round, and the median of its per-round ratios to `consume`. */
function print(rounds: Result[][]): void {
  const baseline = rounds.find((results) => results[0]?.name === CONSUME) ?? [];
  const rows = rounds.map((results) => {
    const r = results.toSorted((a, b) => rate(a) - rate(b))[Math.floor(results.length / 2)]!;
    const ratios = results.map((result, round) => rate(result) / rate(baseline[round] ?? result));
    return {
      'case': r.name,
      'ops': r.ops,
      'calls/s': Math.round(rate(r)),
      'round trips/call': r.roundTrips.toFixed(2),
      'server cmds/call': r.serverCommands.toFixed(2),
      'server µs/call': median(results.map((result) => result.serverUsec)).toFixed(2),
      'client CPU µs/call': median(results.map((result) => result.clientUsec)).toFixed(1),
      'p50 ms': r.p50.toFixed(2),
      'p99 ms': r.p99.toFixed(2),
      'vs consume': `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    };
  });
  console.log(`\nthrottle bench: ${OPS} calls per case and round (or ${TIME_LIMIT_MS / 1000} s), median of ${ROUNDS} rounds,`
    + ` ${CONCURRENCY} in flight, ${KEYS} keys, one redis-server on loopback`);
  console.table(rows);
}

export default async function run(): Promise<void> {
  const bin = redisServerBin();
  if (!bin) {
    console.log('throttle bench skipped: redis-server not found (apt-get install -y redis-server)');
    return;
  }
  const redis = await startRedisServer(bin);
  const client = new Redis(redis.url);
  const admin = new Redis(redis.url);
  const second = new Redis(redis.url);
  try {
    const sent = countRoundTrips(client);
    const all = cases(client);
    // Warm every case first (script load, JIT), so the order of the cases does not matter.
    for (const benchCase of all) await Promise.all(Array.from({ length: 2_000 }, (_, i) => benchCase.call(`warmup${i % 50}`)));
    const rounds: Result[][] = all.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...all.keys()];
      if (round % 2 === 1) order.reverse();
      for (const i of order) rounds[i]?.push(await measure(admin, sent, all[i]!));
    }
    print(rounds);
    const reserve = all.find((c) => c.name === RESERVE)!;
    const consume = cases(second).find((c) => c.name === CONSUME)!;
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) ratios.push(await sideBySide(reserve, consume));
    console.log(`side by side (both at once, ${CONCURRENCY / 2} in flight each, own connections, ${ROUNDS} rounds):`
      + ` reserve completes ${median(ratios).toFixed(2)}× the calls of consume`
      + ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
  } finally {
    client.disconnect();
    admin.disconnect();
    second.disconnect();
    await redis.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
