// Vitest global setup for integration tests: throwaway PostgreSQL and Redis on free loopback
// ports, migrated, handed to tests through `inject('databaseUrl')` / `inject('redisUrl')`.
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../db/migrate';
import { type RunningService, redisServerBin, startRedisServer, startThrowawayPostgres } from './services';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: 'postgres' | 'pglite';
    redisUrl: string | null;
    redisBin: string | null;
  }
}

export default async function setup(project: TestProject) {
  const running: RunningService[] = [];
  const inCi = Boolean(process.env.CI);
  const postgres = await startThrowawayPostgres();
  running.push(postgres);
  if (postgres.kind === 'pglite') {
    if (inCi) throw new Error('CI: PostgreSQL binaries not found (apt-get install -y postgresql); refusing to fall back to PGlite.');
    console.warn('[test] PostgreSQL binaries not found: integration tests use embedded PGlite.');
  }
  await migrateDatabase(postgres.url);

  const redisBin = redisServerBin();
  let redisUrl: string | null = null;
  if (redisBin) {
    const redis = await startRedisServer(redisBin);
    running.push(redis);
    redisUrl = redis.url;
  } else if (inCi) {
    throw new Error('CI: redis-server not found (apt-get install -y redis-server); Redis suites must not be skipped in CI.');
  } else {
    console.warn('[test] redis-server not found: Redis-specific suites are skipped. Install it with: apt-get install -y redis-server');
  }

  project.provide('databaseUrl', postgres.url);
  project.provide('databaseKind', postgres.kind);
  project.provide('redisUrl', redisUrl);
  project.provide('redisBin', redisBin ?? null);

  return async () => {
    await Promise.all(running.map((service) => service.stop()));
  };
}
