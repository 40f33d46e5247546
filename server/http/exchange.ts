// The Node request and response the HTTP entry is handing to Next, for middleware to write on
// directly. Headers a middleware returns through NextResponse take a long way: Next encodes every
// request header it overrides as an `x-middleware-request-*` response header, converts them all to
// Node's form, decodes them in its router, and copies each response header into the request too
// (so the route handler parses them again). On a static file or a health probe that was 15–20 % of
// the server's CPU per request (bench/http.ts and a CPU profile); setting the same headers on `req`
// and `res` costs next to nothing, and what Next writes later for the route still wins, as before.
//
// One store per process on globalThis: middleware is bundled apart from the entry's modules.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Exchange = { req: IncomingMessage; res: ServerResponse };

type Shared = { bastionExchanges?: AsyncLocalStorage<Exchange> };

const exchanges = () => ((globalThis as Shared).bastionExchanges ??= new AsyncLocalStorage<Exchange>());

/** Runs Next's handler for one request with that request's exchange in reach of middleware. */
export const runWithExchange = <T>(exchange: Exchange, handle: () => T): T => exchanges().run(exchange, handle);

/**
 * The exchange of the request middleware is running for, or undefined where the HTTP entry does
 * not run (`next start`, serverless hosts) or one that does not fit this request (a method that
 * differs, an answer already under way): the caller then answers through NextResponse.
 */
export function exchangeFor(method: string): Exchange | undefined {
  const exchange = exchanges().getStore();
  return exchange && exchange.req.method === method && !exchange.res.headersSent ? exchange : undefined;
}
