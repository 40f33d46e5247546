import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../server/core/config';
import { type RunningService, startPglite } from '../test/services';

/**
 * With no DATABASE_URL outside production, start embedded Postgres (PGlite, data under
 * DATA_DIR) and point the app at it with a pool of one connection: the socket server
 * multiplexes a single backend session.
 */
export async function useEmbeddedPostgresIfNeeded(config: Config): Promise<RunningService | undefined> {
  if (config.databaseUrl || config.production) return undefined;
  const dataDir = join(config.dataDir, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  const embedded = await startPglite(dataDir);
  process.env.DATABASE_URL = embedded.url;
  process.env.DATABASE_POOL_MAX = '1';
  console.log(`Embedded Postgres (PGlite) at ${embedded.url}, data in ${dataDir}`);
  return embedded;
}
