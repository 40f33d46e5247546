import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
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
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Bastion
          </Link>
          <nav aria-label="Main">
            {me ? (
              <>
                <Link href="/account">Account</Link>
                <Link href="/files">Files</Link>
                <Link href="/webhooks">Webhooks</Link>
              </>
            ) : (
              <>
                <Link href="/login">Sign in</Link>
                <Link href="/signup">Sign up</Link>
              </>
            )}
          </nav>
        </header>
        <TRPCReactProvider>
          <main>{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
