// Benchmark, not a test: the whole HTTP boundary on the production build, with autocannon.
// Requests per second, latency and the server's CPU per request for a page, a static file, an
// unknown path, /api/health and a trivial tRPC query through Bastion's middleware, a pass-through
// middleware and none (their own builds, made here: BENCH_HTTP_VARIANTS=bastion skips them), all
// running at once and measured target by target in interleaved rounds; then Bastion's middleware
// against a pass-through inside one process (the same-process build), which two processes cannot
// resolve below ~10 %; then refused sign-ins against a locked account, correct sign-ins against
// bare argon2id, and /api/health and the event loop during a sign-in flood. Run with `npm run
// bench` or `npx tsx bench/http.ts` (after `npm run build`). Figures only.
import { pathToFileURL } from 'node:url';
import { migrateDatabase } from '../db/migrate';
import { redisServerBin, startRedisServer, startThrowawayPostgres } from '../test/services';
import { type RunningApp, startApp } from '../test/app';
import { buildVariant, PASS_THROUGH_HEADER, type Variant } from './http-variants';
import { signInFigures } from './http-sign-in';
import { CONNECTIONS, type Figures, load, median, processCpuMs, SECONDS } from './load';

const ALL_TARGETS = [
  { name: 'page (/login)', path: '/login' },
  { name: 'static file (/robots.txt)', path: '/robots.txt' },
  { name: 'unknown path (prebuilt not-found page)', path: '/no-such-page' },
  { name: '/api/health', path: '/api/health' },
  { name: 'tRPC query (system.ping)', path: '/api/trpc/system.ping' },
] as const;
/** BENCH_HTTP_PATHS=/robots.txt,/api/health measures only those targets. */
const TARGETS = ALL_TARGETS.filter(({ path }) => !process.env.BENCH_HTTP_PATHS || process.env.BENCH_HTTP_PATHS.split(',').includes(path));

type Apps = Partial<Record<Variant, RunningApp>>;
/** One round's figures and the server's CPU time per request in it, in µs. */
type Measured = Figures & { serverCpuUs: number };
type Rounds = Partial<Record<Variant, Record<string, Measured[]>>>;

/**
 * Rounds of a few seconds per target, the variants one right after another (in reverse order
 * every other round): each ratio is the median of the ratios within a round, so a machine whose
 * speed drifts weighs on the variants alike and the spread shows how far one run can be trusted.
 */
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
const ROUND_SECONDS = Math.max(1, SECONDS / ROUNDS);

/** One round against `app`, with the server's CPU time per request in it. */
async function measureRound(app: RunningApp, url: string, headers: Record<string, string> = {}): Promise<Measured> {
  const cpuBefore = await processCpuMs(app.child.pid!);
  const figures = await load(url, { duration: ROUND_SECONDS, headers });
  const cpuMs = (await processCpuMs(app.child.pid!)) - cpuBefore;
  return { ...figures, serverCpuUs: cpuMs * 1000 / Math.max(1, figures.requests) };
}

async function boundary(apps: Apps): Promise<Rounds> {
  const results: Rounds = {};
  const entries = Object.entries(apps) as [Variant, RunningApp][];
  for (const { name, path } of TARGETS) {
    for (const [, app] of entries) await load(`${app.origin}${path}`, { duration: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const [variant, app] of round % 2 ? entries.toReversed() : entries) {
        ((results[variant] ??= {})[name] ??= []).push(await measureRound(app, `${app.origin}${path}`));
      }
    }
  }
  return results;
}

type Arms = Record<string, { bastion: Measured[]; passThrough: Measured[] }>;

/**
 * Bastion's middleware against a pass-through in one process (the same-process build): rounds in
 * which the two arms alternate, the pass-through arm asking for it with a request header.
 */
async function sameProcess(app: RunningApp): Promise<Arms> {
  const arms: Arms = {};
  for (const { name, path } of TARGETS) {
    const url = `${app.origin}${path}`;
    const target: Arms[string] = { bastion: [], passThrough: [] };
    arms[name] = target;
    const order = [[target.bastion, {}], [target.passThrough, { [PASS_THROUGH_HEADER]: '1' }]] as const;
    for (const [, headers] of order) await load(url, { duration: 1, headers });
    for (let round = 0; round < ROUNDS; round++) {
      for (const [rounds, headers] of round % 2 ? order.toReversed() : order) {
        rounds.push(await measureRound(app, url, headers));
      }
    }
  }
  return arms;
}

function printSameProcess(arms: Arms): void {
  const rows = Object.entries(arms).map(([target, { bastion, passThrough }]) => {
    const cpuUs = (rounds: Measured[]) => Math.round(median(rounds.map(cpu)));
    return {
      target,
      'bastion': `${median(bastion.map(rps))}/s, ${cpuUs(bastion)} µs CPU`,
      'pass-through': `${median(passThrough.map(rps))}/s, ${cpuUs(passThrough)} µs CPU`,
      'bastion / pass-through, req/s': ratio(bastion, passThrough, rps),
      'bastion / pass-through, server CPU per request': ratio(bastion, passThrough, cpu),
      'difference, µs CPU per request': cpuUs(bastion) - cpuUs(passThrough),
    };
  });
  console.log(`\nThe same comparison in one process (Bastion's middleware, or a pass-through when the request asks),`
    + ` ${ROUNDS} rounds of ${ROUND_SECONDS} s per target and arm, arms alternating:`);
  console.table(rows);
}

/** The median of the round-by-round ratios of `measure`, with their spread. */
function ratio(a: Measured[] | undefined, b: Measured[] | undefined, measure: (f: Measured) => number): string | null {
  if (!a || !b) return null;
  const ratios = a.map((figures, round) => measure(figures) / Math.max(1e-9, measure(b[round] ?? figures)));
  return `${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

const rps = (f: Measured) => f.rps;
const cpu = (f: Measured) => f.serverCpuUs;

function printBoundary(results: Rounds): void {
  const rows = TARGETS.map(({ name }) => {
    const row: Record<string, string | number> = { target: name };
    for (const [variant, figures] of Object.entries(results)) {
      const rounds = figures[name];
      if (!rounds) continue;
      const non2xx = rounds.reduce((sum, f) => sum + f.non2xx, 0);
      row[variant] = `${median(rounds.map(rps))}/s p50 ${median(rounds.map((f) => f.p50))} ms`
        + ` p99 ${median(rounds.map((f) => f.p99))} ms, ${Math.round(median(rounds.map(cpu)))} µs CPU`
        + `${non2xx ? ` (${non2xx} non-2xx)` : ''}`;
    }
    const [bastion, pass, none] = [results.bastion?.[name], results['pass-through']?.[name], results.none?.[name]];
    for (const [label, other] of [['pass-through', pass], ['none', none]] as const) {
      const speed = ratio(bastion, other, rps);
      if (speed) row[`bastion / ${label}, req/s`] = speed;
      const work = ratio(bastion, other, cpu);
      if (work) row[`bastion / ${label}, server CPU per request`] = work;
    }
    return row;
  });
  console.log(`\nHTTP boundary: autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${ROUND_SECONDS} s`
    + ' per target and variant, production builds, one run (medians; ratios: median of the rounds\' ratios, and their'
    + ' spread; server CPU per request from /proc, which does not depend on how the cores were shared)');
  console.table(rows);
}

export default async function run(): Promise<void> {
  const redisBin = redisServerBin();
  const database = await startThrowawayPostgres();
  const redis = redisBin ? await startRedisServer(redisBin) : null;
  const variants = (process.env.BENCH_HTTP_VARIANTS ?? 'bastion,pass-through,none,same-process').split(',') as Variant[];
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis?.url,
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'error',
    // The load settings can be tried out: EVENT_LOOP_LAG_LIMIT_MS=100 npx tsx bench/http.ts
    EVENT_LOOP_LAG_LIMIT_MS: process.env.EVENT_LOOP_LAG_LIMIT_MS,
    PASSWORD_HASH_CONCURRENCY: process.env.PASSWORD_HASH_CONCURRENCY,
  };
  let results: Rounds = {};
  let arms: Arms = {};
  try {
    await migrateDatabase(database.url);
    const builds = variants.flatMap((variant) => (variant === 'bastion' ? [] : [{ variant, ...buildVariant(variant) }]));
    const apps: Apps = {};
    try {
      for (const variant of variants) {
        apps[variant] = await startApp(env, undefined, builds.find((build) => build.variant === variant)?.dir);
      }
      const { 'same-process': both, ...separate } = apps;
      results = await boundary(separate);
      if (both) arms = await sameProcess(both);
      if (apps.bastion && process.env.BENCH_HTTP_SIGN_INS !== '0') await signInFigures(apps.bastion, database.url);
    } finally {
      await Promise.all(Object.values(apps).map((app) => app.stop()));
      for (const build of builds) build.remove();
    }
    printBoundary(results);
    if (Object.keys(arms).length > 0) printSameProcess(arms);
  } finally {
    await redis?.stop();
    await database.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
