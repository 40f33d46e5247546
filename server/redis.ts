import type { Redis } from 'ioredis';
import { createThrottleRedisClient } from './security/throttle-redis';
import { getConfig } from './config';

type Shared = { bastionRedis?: Redis | null };

/**
 * The process-wide Redis client, or null without REDIS_URL. Configured to fail fast when Redis
 * is down (no offline queue, short command timeout) and to reconnect by itself when it returns.
 */
export function getRedis(): Redis | null {
  const shared = globalThis as Shared;
  if (shared.bastionRedis !== undefined) return shared.bastionRedis;
  const { redisUrl } = getConfig();
  shared.bastionRedis = redisUrl ? createThrottleRedisClient(redisUrl) : null;
  return shared.bastionRedis;
}

/** Closes the process's Redis client, if one was opened: QUIT, or a plain disconnect past `timeoutMs`. */
export async function closeRedis(timeoutMs: number): Promise<void> {
  const redis = (globalThis as Shared).bastionRedis;
  if (!redis) return;
  const timer = setTimeout(() => redis.disconnect(), timeoutMs);
  await redis.quit().catch(() => redis.disconnect());
  clearTimeout(timer);
}
