import { headers } from 'next/headers';
import { cache } from 'react';
import { createCaller } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';

/** A tRPC caller for server components: same procedures, same context, no HTTP round trip. */
export const getServerCaller = cache(async () => {
  const requestHeaders = new Headers(await headers());
  return createCaller(await createContext({ headers: requestHeaders, resHeaders: new Headers(), method: 'GET' }));
});
