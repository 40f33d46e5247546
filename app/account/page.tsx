import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getServerCaller } from '@/app/_trpc/server';
import { AccountPanel } from './account-panel';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const me = await (await getServerCaller()).auth.me();
  if (!me) redirect('/login');
  return (
    <>
      <h1>Your account</h1>
      <p>
        Signed in as <strong data-testid="account-email">{me.email}</strong>.
      </p>
      <AccountPanel />
    </>
  );
}
