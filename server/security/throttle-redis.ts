// The Redis ThrottleStore: one Lua script per call counts and sets the expiry together, so a
// crash can never leave a counter without one, and parallel callers never lose a count.
// Copy with ./throttle and ./errors. One key per counter, so Redis Cluster works.
import { createHash } from 'node:crypto';
import Redis, { type Cluster, type RedisOptions } from 'ioredis';
import type { CounterPolicy, CounterState, ThrottleStore } from './throttle-store';

/**
 * Without a lockout policy a counter is a plain integer whose TTL is its window: INCR and PTTL
 * (PEXPIRE when the key is new or lost its TTL). The window is the key's expiry, kept by the Redis
 * server's own clock, so every app instance agrees whatever its clock says, without TIME.
 * With a lockout policy it is one string "attempts:windowEnd:lockedUntil:lockouts:lockoutsEnd",
 * times in ms by the server's clock (TIME): TIME, GET and one SET … PXAT, which re-applies the
 * expiry with every write and so also repairs a key that somehow lost its TTL.
 * A counter kept in another form (the other policy's, or a hash an earlier version wrote) is read
 * once by `decode` and rewritten.
 * ARGV: none = peek; windowMs = increment; windowMs, maxAttempts, lockBaseMs, multiplier,
 * lockMaxMs, memoryMs = increment with lockout. Returns {attempts, windowResetMs, lockedMs}.
 */
// The common case comes first, before any helper is made: Redis runs the whole script on every call.
const SCRIPT = `
local key = KEYS[1]
if #ARGV == 1 then
  local attempts = redis.pcall('INCR', key)
  if type(attempts) == 'number' then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      ttl = tonumber(ARGV[1])
      redis.call('PEXPIRE', key, ttl)
    end
    return {attempts, ttl, 0}
  end
end

local function clock()
  local time = redis.call('TIME')
  return time[1] * 1000 + math.floor(time[2] / 1000)
end
local function numbers(f)
  return tonumber(f[1]) or 0, tonumber(f[2]) or 0, tonumber(f[3]) or 0, tonumber(f[4]) or 0, tonumber(f[5]) or 0
end
local function fields(value)
  return numbers({string.match(value, '^(%d+):(%d+):(%d+):(%d+):(%d+)$')})
end
-- value: the reply of pcall GET: false (no key), a string, or an error (another type: an earlier hash)
local function decode(value, now)
  if type(value) == 'string' then
    local attempts = tonumber(value)
    if not attempts then return fields(value) end
    local ttl = redis.call('PTTL', key)
    return attempts, ttl > 0 and now + ttl or 0, 0, 0, 0
  end
  if value and redis.call('TYPE', key)['ok'] == 'hash' then
    return numbers(redis.call('HMGET', key, 'attempts', 'windowEnd', 'lockedUntil', 'lockouts', 'lockoutsEnd'))
  end
  return 0, 0, 0, 0, 0
end

if #ARGV == 0 then
  local value = redis.pcall('GET', key)
  if not value then return {0, 0, 0} end
  local count = tonumber(value)
  if count then return {count, math.max(0, redis.call('PTTL', key)), 0} end
  local now = clock()
  local attempts, windowEnd, lockedUntil = decode(value, now)
  if windowEnd <= now then attempts, windowEnd = 0, now end
  return {attempts, windowEnd - now, math.max(0, lockedUntil - now)}
end

local windowMs = tonumber(ARGV[1])
if #ARGV == 1 then
  local now = clock()
  local attempts, windowEnd = decode(redis.pcall('GET', key), now)
  if windowEnd <= now then attempts, windowEnd = 0, now + windowMs end
  redis.call('SET', key, attempts + 1, 'PXAT', windowEnd)
  return {attempts + 1, windowEnd - now, 0}
end

local now = clock()
local attempts, windowEnd, lockedUntil, lockouts, lockoutsEnd = decode(redis.pcall('GET', key), now)
local maxAttempts, lockBaseMs = tonumber(ARGV[2]), tonumber(ARGV[3])
if windowEnd <= now then attempts, windowEnd = 0, now + windowMs end
if lockoutsEnd <= now then lockouts = 0 end
attempts = attempts + 1
if attempts == maxAttempts then
  local lockMs = math.min(lockBaseMs * tonumber(ARGV[4]) ^ math.min(lockouts, 50), tonumber(ARGV[5]))
  lockouts = lockouts + 1
  lockedUntil = now + math.floor(lockMs)
  windowEnd = lockedUntil
  lockoutsEnd = lockedUntil + tonumber(ARGV[6])
end
redis.call('SET', key, string.format('%d:%d:%d:%d:%d', attempts, windowEnd, lockedUntil, lockouts, lockoutsEnd),
  'PXAT', math.max(windowEnd, lockoutsEnd))
return {attempts, windowEnd - now, math.max(0, lockedUntil - now)}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export class RedisThrottleStore implements ThrottleStore {
  constructor(private readonly client: Redis | Cluster) {}

  peek(key: string): Promise<CounterState> {
    return this.run(key, []);
  }

  increment(key: string, { windowMs, maxAttempts, lockout }: CounterPolicy): Promise<CounterState> {
    if (!lockout) return this.run(key, [windowMs]);
    const { baseMs, multiplier, maxMs, memoryMs } = lockout;
    return this.run(key, [windowMs, maxAttempts, baseMs, multiplier, maxMs, memoryMs]);
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

/** Each connection fails fast: calls in flight when it drops fail at once and are never resent late. */
const FAIL_FAST = {
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 500,
  connectTimeout: 2_000,
} satisfies RedisOptions;

const reconnectDelay = (times: number) => Math.min(times * 200, 2_000);

/**
 * Until the first connection is up, commands wait for it (within commandTimeout), so a process that
 * has just started does not look like an outage; after that, no offline queue: a call made while
 * disconnected fails at once. Each failed call already reaches AttemptThrottle's onStoreError;
 * without an error listener ioredis would also print every failed reconnect attempt.
 */
function failFastOnceReady<C extends Redis | Cluster>(client: C, offlineQueue = false): C {
  client.once('ready', () => {
    client.options.enableOfflineQueue = offlineQueue;
  });
  client.on('error', () => undefined);
  return client;
}

/**
 * An ioredis client that fails fast while Redis is down, so a dead Redis costs each call at most
 * `commandTimeout` ms, never a hang, and that reconnects by itself (capped backoff).
 */
export function createThrottleRedisClient(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { enableOfflineQueue: true, ...FAIL_FAST, retryStrategy: reconnectDelay, ...options });
  return failFastOnceReady(client, options.enableOfflineQueue);
}

/**
 * The same fail-fast behaviour on a Redis Cluster, from its seed nodes (`host:port`): every node
 * connection fails fast, and a failover's MOVED and TRYAGAIN answers are followed within the
 * command timeout rather than waited out.
 */
export function createThrottleRedisCluster(nodes: readonly string[], options: RedisOptions = {}): Cluster {
  const seeds = nodes.map((node) => {
    const colon = node.lastIndexOf(':');
    return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
  });
  const cluster = new Redis.Cluster(seeds, {
    enableOfflineQueue: true,
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    retryDelayOnTryAgain: 50,
    clusterRetryStrategy: reconnectDelay,
    redisOptions: { ...FAIL_FAST, ...options },
  });
  return failFastOnceReady(cluster);
}
