import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { MainNav } from './_components/main-nav';
import { TRPCReactProvider } from './_trpc/provider';
import { getServerCaller } from './_trpc/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Bastion', template: '%s · Bastion' },
  description: 'A Next.js + tRPC starter with authentication and request hardening done right.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so each script Next emits carries this request's CSP nonce.
  await connection();
  // The nav follows the session (sign-in and sign-out call router.refresh()); a database
  // outage shows the signed-out links rather than failing every page.
  const me = await (await getServerCaller()).auth.me().catch(() => null);
  return (
    <html lang="en">
      <body className="min-h-screen">
        <TRPCReactProvider>
          <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
              <Link href="/" className="text-lg font-semibold tracking-tight text-zinc-900 no-underline dark:text-white">
                Bastion
              </Link>
              <MainNav signedIn={Boolean(me)} />
            </div>
          </header>
          <main className="mx-auto flex max-w-4xl flex-col gap-8 px-4 py-8 sm:px-6 sm:py-12">{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
