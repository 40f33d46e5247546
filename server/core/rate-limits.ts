import { getAuditLog } from './audit-log';
import { getConfig } from './config';
import { getSqlClient } from './db';
import { getLogger } from './log';
import { getRedis } from './redis';
import { processSingleton } from './singleton';
import { AttemptThrottle, type AttemptThrottleOptions } from '../security/throttle';
import { PostgresThrottleStore } from '../security/throttle-postgres';
import { RedisThrottleStore } from '../security/throttle-redis';

type Options = Omit<AttemptThrottleOptions, 'failOpen' | 'onStoreError'>;

/**
 * A throttle on the shared store: Redis when REDIS_URL is set, Postgres otherwise, so budgets
 * are global across app instances. A store failure is logged and audited; whether the request
 * then passes (fail-open) or gets 503 (fail-closed) is THROTTLE_FAIL_OPEN's choice.
 */
export function sharedThrottle(options: Options): AttemptThrottle {
  const throttles = processSingleton('throttles', () => new Map<string, AttemptThrottle>());
  const existing = throttles.get(options.namespace);
  if (existing) return existing;
  const redis = getRedis();
  const store = redis ? new RedisThrottleStore(redis) : new PostgresThrottleStore(getSqlClient());
  const throttle = new AttemptThrottle(store, {
    ...options,
    namespace: `${getConfig().throttleKeyPrefix}:${options.namespace}`,
    failOpen: getConfig().throttleFailOpen,
    blockedCache: blockedCacheOptions(),
    onStoreError: (error, context) => {
      getLogger().warn({ err: error, ...context }, 'throttle store failed');
      void getAuditLog().record({ event: 'throttle_store_failure', details: { ...context, failOpen: getConfig().throttleFailOpen } });
    },
  });
  throttles.set(options.namespace, throttle);
  return throttle;
}

/** Keys the store just refused are answered in-process for at most THROTTLE_BLOCKED_CACHE_MS; 0 turns it off. */
function blockedCacheOptions() {
  const maxStaleMs = getConfig().throttleBlockedCacheMs;
  return maxStaleMs > 0 ? { maxKeys: 10_000, maxStaleMs } : undefined;
}

/** The coarse per-IP budget on /api/* that middleware.ts applies. */
export function getApiThrottle(): AttemptThrottle {
  return sharedThrottle({ namespace: 'api-ip', maxAttempts: getConfig().apiRateLimitPerMinute, windowSeconds: 60 });
}
