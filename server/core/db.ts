import { createDatabase, type Database, type SqlClient } from '@/db/client';
import { getConfig } from './config';
import { existingProcessSingleton, processSingleton } from './singleton';

export type { Database, SqlClient };

/** The handle a `db.transaction` callback receives. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The process's connection pool: Drizzle on top, the raw postgres.js client beneath. */
function getPool() {
  return processSingleton('database', () => {
    const config = getConfig();
    if (!config.databaseUrl) {
      throw new Error(
        'DATABASE_URL is not set: start the app with `npm run dev` (embedded Postgres) or set DATABASE_URL.',
      );
    }
    const { connectMs, statementMs } = config.databaseTimeouts;
    return createDatabase(config.databaseUrl, {
      max: config.databasePoolMax,
      connectTimeoutMs: connectMs,
      statementTimeoutMs: statementMs,
    });
  });
}

export const getDb = (): Database => getPool().db;

/** postgres.js itself, for the few statements Drizzle does not express (throttle upserts, locks). */
export const getSqlClient = (): SqlClient => getPool().sql;

/** Ends the process's pool, if one was opened: queries under way get `timeoutMs` to finish. */
export async function closeDatabase(timeoutMs: number): Promise<void> {
  await existingProcessSingleton<ReturnType<typeof createDatabase>>('database')?.sql.end({ timeout: timeoutMs / 1000 });
}
