import type { Cluster, Redis } from 'ioredis';
import { createThrottleRedisClient, createThrottleRedisCluster } from '../security/throttle-redis';
import { getConfig } from './config';
import { existingProcessSingleton, processSingleton } from './singleton';

/**
 * The process-wide Redis client (a Cluster client with REDIS_CLUSTER_NODES), or null without
 * either. Configured to fail fast when Redis is down (no offline queue, short command timeout)
 * and to reconnect by itself when it returns.
 */
export function getRedis(): Redis | Cluster | null {
  return processSingleton('redis', () => {
    const { redisUrl, redisClusterNodes } = getConfig();
    if (redisClusterNodes.length > 0) return createThrottleRedisCluster(redisClusterNodes);
    return redisUrl ? createThrottleRedisClient(redisUrl) : null;
  });
}

/** Closes the process's Redis client, if one was opened: QUIT, or a plain disconnect past `timeoutMs`. */
export async function closeRedis(timeoutMs: number): Promise<void> {
  const redis = existingProcessSingleton<Redis | Cluster | null>('redis');
  if (!redis) return;
  const timer = setTimeout(() => redis.disconnect(), timeoutMs);
  await redis.quit().catch(() => redis.disconnect());
  clearTimeout(timer);
}
