import { createDatabase, type Database, type SqlClient } from '@/db/client';
import { getConfig } from './config';
import { processSingleton } from './singleton';

export type { Database, SqlClient };

/** The process's connection pool: Drizzle on top, the raw postgres.js client beneath. */
function getPool() {
  return processSingleton('database', () => {
    const config = getConfig();
    if (!config.databaseUrl) {
      throw new Error(
        'DATABASE_URL is not set: start the app with `npm run dev` (embedded Postgres) or set DATABASE_URL.',
      );
    }
    return createDatabase(config.databaseUrl, { max: config.databasePoolMax });
  });
}

export const getDb = (): Database => getPool().db;

/** postgres.js itself, for the few statements Drizzle does not express (throttle upserts, locks). */
export const getSqlClient = (): SqlClient => getPool().sql;
