// The Postgres ThrottleStore: one upsert per call, timed by the database clock, so budgets hold
// under concurrency (ON CONFLICT locks the row) and across any number of app instances.
// Copy with ./throttle, ./errors and the throttle_counters table (db/tables/core.ts).
import type { Sql } from 'postgres';
import type { CounterPolicy, CounterState, ThrottleStore } from './throttle-store';

type Row = { attempts: number; windowResetMs: number; lockedMs: number };

/**
 * Give the client a `connect_timeout` (seconds) and, for a database that answers slowly rather
 * than not at all, `connection: { statement_timeout: 1000 }`; AttemptThrottle's storeTimeoutMs
 * bounds every call either way. Call `deleteExpired()` every minute or so to drop stale rows.
 */
export class PostgresThrottleStore implements ThrottleStore {
  constructor(private readonly sql: Sql) {}

  async peek(key: string): Promise<CounterState> {
    const [row] = await this.sql<Row[]>`
      SELECT CASE WHEN window_expires_at > now() THEN attempts ELSE 0 END AS attempts, ${this.remaining()}
      FROM throttle_counters WHERE key = ${key}`;
    return row ?? { attempts: 0, windowResetMs: 0, lockedMs: 0 };
  }

  /**
   * The row is locked by ON CONFLICT for the whole computation, so concurrent increments queue
   * up and each sees the last one's result. A lock also ends the window, and is remembered
   * (for the next lock's length) until memoryMs after it ends.
   */
  async increment(key: string, { windowMs, maxAttempts, lockout }: CounterPolicy): Promise<CounterState> {
    const { baseMs = 0, multiplier = 1, maxMs = 0, memoryMs = 0 } = lockout ?? {};
    const firstLockMs = baseMs > 0 && maxAttempts === 1 ? Math.min(baseMs, maxMs) : 0;
    const [row] = await this.sql<Row[]>`
      INSERT INTO throttle_counters AS t (key, attempts, window_expires_at, locked_until, lockouts, lockouts_expire_at)
      VALUES (${key}, 1, ${this.fromNow(firstLockMs || windowMs)}, ${firstLockMs ? this.fromNow(firstLockMs) : null},
        ${firstLockMs ? 1 : 0}, ${firstLockMs ? this.fromNow(firstLockMs + memoryMs) : null})
      ON CONFLICT (key) DO UPDATE SET (attempts, window_expires_at, locked_until, lockouts, lockouts_expire_at) = (
        SELECT c.attempts,
          CASE WHEN l.locks THEN now() + l.lock_ms * interval '1 millisecond' ELSE c.window_end END,
          CASE WHEN l.locks THEN now() + l.lock_ms * interval '1 millisecond' ELSE t.locked_until END,
          CASE WHEN l.locks THEN c.lockouts + 1 ELSE c.lockouts END,
          CASE WHEN l.locks THEN now() + (l.lock_ms + ${memoryMs}::float8) * interval '1 millisecond' ELSE t.lockouts_expire_at END
        FROM (SELECT
          CASE WHEN t.window_expires_at > now() THEN least(t.attempts, 1000000000) + 1 ELSE 1 END AS attempts,
          CASE WHEN t.window_expires_at > now() THEN t.window_expires_at ELSE ${this.fromNow(windowMs)} END AS window_end,
          CASE WHEN t.lockouts_expire_at > now() THEN t.lockouts ELSE 0 END AS lockouts) c
        CROSS JOIN LATERAL (SELECT ${baseMs}::float8 > 0 AND c.attempts = ${maxAttempts}::int AS locks,
          floor(least(${baseMs}::float8 * power(${multiplier}::float8, least(c.lockouts, 50)), ${maxMs}::float8)) AS lock_ms) l)
      RETURNING attempts, ${this.remaining()}`;
    if (!row) throw new Error('the throttle upsert returned no row');
    return row;
  }

  async delete(key: string): Promise<void> {
    await this.sql`DELETE FROM throttle_counters WHERE key = ${key}`;
  }

  /** Deletes up to `batchSize` rows whose window and lockout memory have both ended; returns how many. */
  async deleteExpired(batchSize = 1_000): Promise<number> {
    const result = await this.sql`
      DELETE FROM throttle_counters WHERE key IN (
        SELECT key FROM throttle_counters
        WHERE window_expires_at <= now() AND (lockouts_expire_at IS NULL OR lockouts_expire_at <= now())
        LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`;
    return result.count;
  }

  private fromNow(ms: number) {
    return this.sql`now() + ${ms}::float8 * interval '1 millisecond'`;
  }

  private remaining() {
    return this.sql`
      ceil(greatest(0, extract(epoch FROM window_expires_at - now()) * 1000))::float8 AS "windowResetMs",
      ceil(greatest(0, coalesce(extract(epoch FROM locked_until - now()) * 1000, 0)))::float8 AS "lockedMs"`;
  }
}
