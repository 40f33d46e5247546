import type { Redis } from 'ioredis';
import { createThrottleRedisClient } from '../security/throttle-redis';
import { getConfig } from './config';
import { processSingleton } from './singleton';

/**
 * The process-wide Redis client, or null without REDIS_URL. Configured to fail fast when Redis
 * is down (no offline queue, short command timeout) and to reconnect by itself when it returns.
 */
export function getRedis(): Redis | null {
  return processSingleton('redis', () => {
    const { redisUrl } = getConfig();
    return redisUrl ? createThrottleRedisClient(redisUrl) : null;
  });
}
