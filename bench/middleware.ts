// Benchmark, not a test: the CPU Bastion's middleware costs per request, inside Next's own
// middleware adapter, against a pass-through middleware (NextResponse.next()) in the same
// process, call after call. The HTTP benchmark cannot resolve a few per cent: two processes
// running the same code differ by ~10 % here, and rounds of one process by as much. This one
// takes no sockets and no second process, so its figure is stable to about a microsecond; set
// it beside the server CPU per request bench/http.ts prints to get the share of a request.
//
// What is counted: Next's adapter building the NextRequest, the middleware, its response, and
// Next's conversion of the response headers for its router; requests come with the headers a
// browser sends and, like under the HTTP entry, with their Node request and response in reach
// (server/http/exchange.ts). Not counted: what Next's router does with a NextResponse's headers
// afterwards (nothing more for Bastion's answers under the entry than for a pass-through).
// Run with `npm run bench` or `npx tsx bench/middleware.ts`. Figures only.
import { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { NextResponse } from 'next/server';
import { runWithExchange } from '../server/http/exchange';
import { TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from '../test/app';
import { median } from './load';

const ORIGIN = 'http://127.0.0.1:3000';
const TARGETS = ['/login', '/robots.txt', '/api/health'];
const CALLS = Number(process.env.BENCH_MIDDLEWARE_CALLS ?? 20_000);
const ROUNDS = 7;

/** What Chromium sends for a navigation, with the peer address the HTTP entry records. */
const BROWSER_HEADERS = {
  'host': '127.0.0.1:3000',
  'connection': 'keep-alive',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'accept': 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en-GB,en;q=0.9',
  'sec-fetch-site': 'none',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'x-bastion-peer-ip': '127.0.0.1',
};

type Handler = (request: never) => unknown;

type Setup = {
  adapter: (params: unknown) => Promise<{ response: Response }>;
  toNodeOutgoingHttpHeaders: (headers: Headers) => unknown;
  bastion: Handler;
};

async function setUp(): Promise<Setup> {
  Object.assign(process.env, {
    NODE_ENV: 'production',
    SESSION_SECRET: TEST_SESSION_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    APP_ORIGIN: ORIGIN,
    DATABASE_URL: 'postgres://bench@127.0.0.1:1/never-connected',
    MAIL_DELIVERY: 'outbox',
    LOG_LEVEL: 'error',
  });
  const require = createRequire(import.meta.url);
  const { adapter } = require('next/dist/server/web/adapter') as Pick<Setup, 'adapter'>;
  const { toNodeOutgoingHttpHeaders } = require('next/dist/server/web/utils') as Pick<Setup, 'toNodeOutgoingHttpHeaders'>;
  const { markHttpEntryRunning } = await import('../server/http/client-address');
  const { middleware } = await import('../middleware');
  markHttpEntryRunning();
  return { adapter, toNodeOutgoingHttpHeaders, bastion: middleware as Handler };
}

async function call(setup: Setup, handler: Handler, path: string): Promise<void> {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = path;
  req.headers = { ...BROWSER_HEADERS };
  const res = new ServerResponse(req);
  const result = await runWithExchange({ req, res }, () => setup.adapter({
    handler,
    page: 'middleware',
    request: {
      headers: req.headers,
      method: 'GET',
      url: `${ORIGIN}${path}`,
      page: {},
      nextConfig: { basePath: '', i18n: undefined, trailingSlash: false, experimental: {} },
      signal: new AbortController().signal,
    },
  }));
  setup.toNodeOutgoingHttpHeaders(result.response.headers);
}

/** CPU µs per call over `CALLS` calls. */
async function cpuPerCall(setup: Setup, handler: Handler, path: string): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await call(setup, handler, path);
  const { user, system } = process.cpuUsage(before);
  return (user + system) / CALLS;
}

export default async function run(): Promise<void> {
  const setup = await setUp();
  const passThrough: Handler = () => NextResponse.next();
  const rows = [];
  for (const path of TARGETS) {
    for (let i = 0; i < 2_000; i++) {
      await call(setup, setup.bastion, path);
      await call(setup, passThrough, path);
    }
    const bastion: number[] = [];
    const pass: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const arms = [[bastion, setup.bastion], [pass, passThrough]] as const;
      for (const [figures, handler] of round % 2 ? arms.toReversed() : arms) {
        figures.push(await cpuPerCall(setup, handler, path));
      }
    }
    const differences = bastion.map((value, round) => value - (pass[round] ?? value));
    rows.push({
      'target': path,
      'bastion, µs CPU per call': median(bastion).toFixed(1),
      'pass-through, µs CPU per call': median(pass).toFixed(1),
      'difference, µs (spread of the rounds)':
        `${median(differences).toFixed(1)} (${Math.min(...differences).toFixed(1)}–${Math.max(...differences).toFixed(1)})`,
    });
  }
  console.log(`\nmiddleware inside Next's adapter, in one process: ${ROUNDS} rounds of ${CALLS} calls per target and middleware, alternating (medians)`);
  console.table(rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
