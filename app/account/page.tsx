import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageIntro } from '@/app/_components/section';
import { getServerCaller } from '@/app/_trpc/server';
import { AccountPanel } from './account-panel';
import { LifecyclePanel } from './lifecycle-panel';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const me = await (await getServerCaller()).auth.me();
  if (!me) redirect('/login');
  return (
    <>
      <PageIntro title="Your account">
        <p>
          Signed in as <strong data-testid="account-email" className="font-semibold wrap-anywhere text-zinc-900 dark:text-zinc-100">{me.email}</strong>.
        </p>
      </PageIntro>
      <AccountPanel />
      <LifecyclePanel />
    </>
  );
}
