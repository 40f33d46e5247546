import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { getConfig } from '@/server/config';
import { bodyLimitFor, readRequestWithLimit, tooLargeResponse } from '@/server/http/body';

async function handler(req: Request) {
  const url = new URL(req.url);
  const limited = await readRequestWithLimit(req, bodyLimitFor(url.pathname, getConfig()));
  if (!limited.ok) return tooLargeResponse(limited.limitBytes);
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: limited.request,
    router: appRouter,
    allowMethodOverride: false,
    // A batch runs its calls concurrently but passes the per-IP limit once: keep it small.
    maxBatchSize: 10,
    createContext: ({ req: request, resHeaders }) =>
      createContext({ headers: request.headers, resHeaders, path: url.pathname, method: request.method }),
  });
}

export { handler as GET, handler as POST };
