import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageIntro } from '@/app/_components/section';
import { getServerCaller } from '@/app/_trpc/server';
import { WebhooksPanel } from './webhooks-panel';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  if (!(await (await getServerCaller()).auth.me())) redirect('/login');
  return (
    <>
      <PageIntro title="Webhooks">
        <p>
          Register a URL and send it a signed test event. Bastion only calls public addresses: private, loopback,
          link-local and metadata addresses are refused, before and after DNS, on every redirect.
        </p>
      </PageIntro>
      <WebhooksPanel />
    </>
  );
}
