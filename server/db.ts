import { type Database, sharedDatabase } from '@/db/client';
import { getConfig } from './config';

export type { Database };

export function getDatabase() {
  const config = getConfig();
  if (!config.databaseUrl) {
    throw new Error('DATABASE_URL is not set: start the app with `npm run dev` (embedded Postgres) or set DATABASE_URL.');
  }
  const { connectMs, statementMs } = config.databaseTimeouts;
  return sharedDatabase(config.databaseUrl, {
    max: config.databasePoolMax,
    connectTimeoutMs: connectMs,
    statementTimeoutMs: statementMs,
  });
}

export const getDb = (): Database => getDatabase().db;
