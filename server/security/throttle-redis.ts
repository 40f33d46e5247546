// The Redis ThrottleStore: one Lua script per call counts and sets the expiry together, so a
// crash can never leave a counter without one, and parallel callers never lose a count.
// Copy with ./throttle and ./errors. One key per counter, so Redis Cluster works.
import { createHash } from 'node:crypto';
import Redis, { type Cluster, type RedisOptions } from 'ioredis';
import type { CounterPolicy, CounterState, ThrottleStore } from './throttle-store';

/**
 * KEYS[1] is one string "attempts:windowEnd:lockedUntil:lockouts:lockoutsEnd", times in ms by
 * the Redis server's clock (TIME), so every app instance agrees whatever its own clock says:
 * TIME, GET and one SET … PXAT per call (Redis ≥ 6.2), which re-applies the expiry with every
 * write and so also repairs a key that somehow lost its TTL. A counter an earlier version kept
 * as a hash is read once with HMGET and rewritten as a string.
 * ARGV: 'peek' | 'increment', windowMs, maxAttempts, lockBaseMs (0 = no lockout), multiplier,
 * lockMaxMs, memoryMs. Returns {attempts, windowResetMs, lockedMs}.
 */
const SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local value = redis.pcall('GET', KEYS[1])
local f = {}
if type(value) == 'string' then
  f = {string.match(value, '^(%d+):(%d+):(%d+):(%d+):(%d+)$')}
elseif type(value) == 'table' and value.err then
  f = redis.call('HMGET', KEYS[1], 'attempts', 'windowEnd', 'lockedUntil', 'lockouts', 'lockoutsEnd')
end
local attempts, windowEnd = tonumber(f[1]) or 0, tonumber(f[2]) or 0
local lockedUntil, lockouts, lockoutsEnd = tonumber(f[3]) or 0, tonumber(f[4]) or 0, tonumber(f[5]) or 0
if ARGV[1] == 'peek' then
  if windowEnd <= now then return {0, 0, math.max(0, lockedUntil - now)} end
  return {attempts, windowEnd - now, math.max(0, lockedUntil - now)}
end
local windowMs, maxAttempts, lockBaseMs = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if windowEnd <= now then attempts, windowEnd = 0, now + windowMs end
if lockoutsEnd <= now then lockouts = 0 end
attempts = attempts + 1
if lockBaseMs > 0 and attempts == maxAttempts then
  local lockMs = math.min(lockBaseMs * tonumber(ARGV[5]) ^ math.min(lockouts, 50), tonumber(ARGV[6]))
  lockouts = lockouts + 1
  lockedUntil = now + math.floor(lockMs)
  windowEnd = lockedUntil
  lockoutsEnd = lockedUntil + tonumber(ARGV[7])
end
redis.call('SET', KEYS[1], string.format('%d:%d:%d:%d:%d', attempts, windowEnd, lockedUntil, lockouts, lockoutsEnd),
  'PXAT', math.max(windowEnd, lockoutsEnd))
return {attempts, windowEnd - now, math.max(0, lockedUntil - now)}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export class RedisThrottleStore implements ThrottleStore {
  constructor(private readonly client: Redis | Cluster) {}

  peek(key: string): Promise<CounterState> {
    return this.run(key, ['peek']);
  }

  increment(key: string, { windowMs, maxAttempts, lockout }: CounterPolicy): Promise<CounterState> {
    const { baseMs = 0, multiplier = 1, maxMs = 0, memoryMs = 0 } = lockout ?? {};
    return this.run(key, ['increment', windowMs, maxAttempts, baseMs, multiplier, maxMs, memoryMs]);
  }

  async delete(key: string): Promise<void> {
    await this.client.del(key);
  }

  /** EVALSHA, and EVAL only when the server does not know the script yet (a restart, a new node). */
  private async run(key: string, args: (string | number)[]): Promise<CounterState> {
    const reply = await this.client.evalsha(SCRIPT_SHA, 1, key, ...args).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(SCRIPT, 1, key, ...args);
    });
    return toCounterState(reply);
  }
}

function toCounterState(reply: unknown): CounterState {
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((n) => typeof n === 'number')) {
    throw new Error('unexpected reply from the throttle script');
  }
  const [attempts, windowResetMs, lockedMs] = reply as [number, number, number];
  return { attempts, windowResetMs, lockedMs };
}

/**
 * An ioredis client that fails fast while Redis is down, so a dead Redis costs each call at most
 * `commandTimeout` ms, never a hang, and that reconnects by itself (capped backoff):
 * - no offline queue once connected: a call made while disconnected fails at once;
 * - commands in flight when the connection drops fail at once (maxRetriesPerRequest 0) and are
 *   not resent on reconnect, so an increment the caller gave up on is never counted late;
 * - until the first connection is up, commands wait for it (within commandTimeout), so a
 *   process that has just started does not look like an outage.
 */
export function createThrottleRedisClient(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: 500,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
  client.once('ready', () => {
    client.options.enableOfflineQueue = options.enableOfflineQueue ?? false;
  });
  // Each failed call already reaches AttemptThrottle's onStoreError; without a listener ioredis
  // would also print every failed reconnect attempt.
  client.on('error', () => undefined);
  return client;
}

/**
 * The same fail-fast behaviour on a Redis Cluster, from its seed nodes (`host:port`): every node
 * connection fails fast, and a failover's MOVED and TRYAGAIN answers are followed within the
 * command timeout rather than waited out.
 */
export function createThrottleRedisCluster(nodes: readonly string[], options: RedisOptions = {}): Cluster {
  const cluster = new Redis.Cluster(
    nodes.map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) })),
    {
      enableOfflineQueue: true,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
      redisOptions: {
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: 500,
        connectTimeout: 2_000,
        ...options,
      },
    },
  );
  cluster.once('ready', () => {
    cluster.options.enableOfflineQueue = false;
  });
  cluster.on('error', () => undefined);
  return cluster;
}
