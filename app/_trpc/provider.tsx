'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { type ReactNode, useState } from 'react';
import type { AppRouter } from '@/server/api/root';
import { CSRF_COOKIE_NAME, CSRF_COOKIE_NAME_PLAIN, CSRF_HEADER_NAME } from '@/server/auth/csrf-names';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function readCookie(name: string): string {
  const prefix = `${name}=`;
  const found = document.cookie.split('; ').find((part) => part.startsWith(prefix));
  return found ? found.slice(prefix.length) : '';
}

const csrfHeader = () => ({ [CSRF_HEADER_NAME]: readCookie(CSRF_COOKIE_NAME) || readCookie(CSRF_COOKIE_NAME_PLAIN) });

// httpBatchLink, not the streaming link: with streaming the status is always 200 and
// Set-Cookie headers from procedures are lost. FormData (uploads) cannot be batched.
function makeClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => isNonJsonSerializable(op.input),
        true: httpLink({ url: '/api/trpc', headers: csrfHeader }),
        false: httpBatchLink({ url: '/api/trpc', headers: csrfHeader }),
      }),
    ],
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } }),
  );
  const [trpcClient] = useState(makeClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
