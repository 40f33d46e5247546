// Benchmark, not a test: the whole HTTP boundary on the production build, with autocannon.
// Requests per second and latency for a page, a static file, an unknown path, /api/health and a
// trivial tRPC query through Bastion's middleware, a pass-through middleware and none (their own
// builds, made here: BENCH_HTTP_VARIANTS=bastion skips them), all three running at once and
// measured target by target side by side; then refused sign-ins against a locked account, correct
// sign-ins against bare argon2id, and /api/health and the event loop during a sign-in flood.
// Run with `npm run bench` or `npx tsx bench/http.ts` (after `npm run build`). Figures only.
import { pathToFileURL } from 'node:url';
import { migrateDatabase } from '../db/migrate';
import { redisServerBin, startRedisServer, startThrowawayPostgres } from '../test/services';
import { type RunningApp, startApp } from '../test/app';
import { buildVariant, type Variant } from './http-variants';
import { signInFigures } from './http-sign-in';
import { CONNECTIONS, type Figures, load, SECONDS } from './load';

const TARGETS = [
  { name: 'page (/login)', path: '/login' },
  { name: 'static file (/robots.txt)', path: '/robots.txt' },
  { name: 'unknown path (prebuilt not-found page)', path: '/no-such-page' },
  { name: '/api/health', path: '/api/health' },
  { name: 'tRPC query (system.ping)', path: '/api/trpc/system.ping' },
] as const;

type Apps = Partial<Record<Variant, RunningApp>>;

/** Target by target, the variants one right after another, so a noisy machine weighs on all alike. */
async function boundary(apps: Apps): Promise<Partial<Record<Variant, Record<string, Figures>>>> {
  const results: Partial<Record<Variant, Record<string, Figures>>> = {};
  for (const { name, path } of TARGETS) {
    for (const [variant, app] of Object.entries(apps) as [Variant, RunningApp][]) {
      await load(`${app.origin}${path}`, { duration: 1 });
      (results[variant] ??= {})[name] = await load(`${app.origin}${path}`);
    }
  }
  return results;
}

function printBoundary(results: Partial<Record<Variant, Record<string, Figures>>>): void {
  const rows = TARGETS.map(({ name }) => {
    const row: Record<string, string | number> = { target: name };
    for (const [variant, figures] of Object.entries(results)) {
      const f = figures[name];
      if (f) row[variant] = `${f.rps}/s p50 ${f.p50} ms p99 ${f.p99} ms${f.non2xx ? ` (${f.non2xx} non-2xx)` : ''}`;
    }
    const [bastion, pass, none] = [results.bastion?.[name], results['pass-through']?.[name], results.none?.[name]];
    if (bastion && pass) row['bastion / pass-through'] = (bastion.rps / pass.rps).toFixed(3);
    if (bastion && none) row['bastion / none'] = (bastion.rps / none.rps).toFixed(3);
    return row;
  });
  console.log(`\nHTTP boundary: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per target, production builds, one run`);
  console.table(rows);
}

export default async function run(): Promise<void> {
  const redisBin = redisServerBin();
  const database = await startThrowawayPostgres();
  const redis = redisBin ? await startRedisServer(redisBin) : null;
  const variants = (process.env.BENCH_HTTP_VARIANTS ?? 'bastion,pass-through,none').split(',') as Variant[];
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis?.url,
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'error',
    // The load settings can be tried out: EVENT_LOOP_LAG_LIMIT_MS=100 npx tsx bench/http.ts
    EVENT_LOOP_LAG_LIMIT_MS: process.env.EVENT_LOOP_LAG_LIMIT_MS,
    PASSWORD_HASH_CONCURRENCY: process.env.PASSWORD_HASH_CONCURRENCY,
  };
  let results: Partial<Record<Variant, Record<string, Figures>>> = {};
  try {
    await migrateDatabase(database.url);
    const builds = variants.flatMap((variant) => (variant === 'bastion' ? [] : [{ variant, ...buildVariant(variant) }]));
    const apps: Apps = {};
    try {
      for (const variant of variants) {
        apps[variant] = await startApp(env, undefined, builds.find((build) => build.variant === variant)?.dir);
      }
      results = await boundary(apps);
      if (apps.bastion) await signInFigures(apps.bastion, database.url);
    } finally {
      await Promise.all(Object.values(apps).map((app) => app.stop()));
      for (const build of builds) build.remove();
    }
    printBoundary(results);
  } finally {
    await redis?.stop();
    await database.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
