import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';

/** The body arrives already bounded: the HTTP entry enforces each path's limit while it streams in. */
function handler(req: Request) {
  const url = new URL(req.url);
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    allowMethodOverride: false,
    // A batch runs its calls concurrently but passes the per-IP limit once: keep it small.
    maxBatchSize: 10,
    createContext: ({ req: request, resHeaders }) =>
      createContext({ headers: request.headers, resHeaders, path: url.pathname, method: request.method }),
  });
}

export { handler as GET, handler as POST };
