import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = ReturnType<typeof createDatabase>['db'];
export type SqlClient = postgres.Sql;

export function createDatabase(url: string, options: { max?: number } = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 5,
    idle_timeout: 30,
    // A transaction left open (a bug, a hung await) is ended by the server instead of pinning
    // a pool connection and its row locks for ever.
    connection: { idle_in_transaction_session_timeout: 15_000 },
    // Errors reach our own logger; postgres.js would otherwise print NOTICEs to stdout.
    onnotice: () => undefined,
  });
  return { sql, db: drizzle(sql, { schema }) };
}
