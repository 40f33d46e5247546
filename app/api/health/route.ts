export const dynamic = 'force-dynamic';

import { sql } from 'drizzle-orm';
import { getDb } from '@/server/core/db';
import { getRedis } from '@/server/core/redis';
import { readPressure } from '@/server/http/load-shedding';
import { readSignInLoad } from '@/server/http/sign-in-admission';
import { passwordHashingLoad } from '@/server/security/password';

type Check = 'ok' | 'down' | 'not configured';

async function withTimeout(check: () => Promise<unknown>, ms = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness and readiness: every dependency is checked for real; 503 when the database is down.
 * Never shed under load: it reports the entry's pressure and password-hashing gate instead.
 */
export async function GET() {
  const redis = getRedis();
  const [db, redisState] = await Promise.all([
    withTimeout(() => getDb().execute(sql`select 1`)),
    redis ? withTimeout(() => redis.ping()) : Promise.resolve<Check>('not configured'),
  ]);
  const status = db === 'down' ? 'unavailable' : redisState === 'down' ? 'degraded' : 'ok';
  return Response.json(
    {
      status,
      db,
      redis: redisState,
      pressure: readPressure(),
      signIns: readSignInLoad(),
      passwordHashing: passwordHashingLoad(),
    },
    { status: db === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'private, no-store' } },
  );
}
