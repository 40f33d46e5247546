import type { Cluster, Redis } from 'ioredis';
import { createThrottleRedisClient, createThrottleRedisCluster } from './security/throttle-redis';
import { getConfig } from './config';

type Shared = { bastionRedis?: Redis | Cluster | null };

/**
 * The process-wide Redis client (a Cluster client with REDIS_CLUSTER_NODES), or null without either. Configured to fail fast when Redis
 * is down (no offline queue, short command timeout) and to reconnect by itself when it returns.
 */
export function getRedis(): Redis | Cluster | null {
  const shared = globalThis as Shared;
  if (shared.bastionRedis !== undefined) return shared.bastionRedis;
  const { redisUrl, redisClusterNodes } = getConfig();
  if (redisClusterNodes.length > 0) shared.bastionRedis = createThrottleRedisCluster(redisClusterNodes);
  else shared.bastionRedis = redisUrl ? createThrottleRedisClient(redisUrl) : null;
  return shared.bastionRedis;
}
