import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = ReturnType<typeof createDatabase>['db'];
export type SqlClient = postgres.Sql;

export type DatabaseOptions = { max?: number; connectTimeoutMs?: number; statementTimeoutMs?: number };

export function createDatabase(url: string, options: DatabaseOptions = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // A database that is down costs each request a bounded wait, then a 503, never a hang.
    connect_timeout: (options.connectTimeoutMs ?? 5_000) / 1000,
    idle_timeout: 30,
    // postgres.js waits before each reconnect by a backoff that grows with every failed connection
    // in the pool (3^n / 100 s, up to 20 s): after a short outage a query queued for a connection
    // waited out that delay, 8 s and more, long after the database was back. Here it grows 50 ms
    // per failure and stops at 0.5 s, so a query waits at most that plus the connect timeout.
    backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
    // A transaction left open (a bug, a hung await) is ended by the server instead of pinning
    // a pool connection and its row locks for ever.
    connection: {
      idle_in_transaction_session_timeout: 15_000,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
    // Errors reach our own logger; postgres.js would otherwise print NOTICEs to stdout.
    onnotice: () => undefined,
  });
  return { sql, db: drizzle(sql, { schema }) };
}
