import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { PageIntro } from '@/app/_components/section';
import { getServerCaller } from '@/app/_trpc/server';
import { getConfig } from '@/server/core/config';
import { devToolsAllowed } from '@/server/http/dev';
import { CLIENT_IP_HEADER } from '@/server/security/headers';

export const metadata: Metadata = { title: 'Dev mailbox', robots: { index: false } };

/** The mail's own links back into the app (never arbitrary URLs), made clickable. */
function withLinks(text: string, appOrigin: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, index) =>
    part.startsWith(`${appOrigin}/`) ? <a key={index} href={part}>{part}</a> : part,
  );
}

/** Development only, for a local browser: the outbox, with links you can follow. 404 otherwise. */
export default async function MailboxPage() {
  const config = getConfig();
  const request = await headers();
  const asking = { clientIp: request.get(CLIENT_IP_HEADER) ?? '', host: request.get('host') };
  if (!devToolsAllowed(asking, config)) notFound();
  const { appOrigin } = config;
  const mails = await (await getServerCaller()).dev.mailbox();
  return (
    <>
      <PageIntro title="Dev mailbox">
        <p>Mail the app would have sent. Newest first. This page does not exist in production.</p>
      </PageIntro>
      {mails.length === 0 ? <p className="muted">No mail yet.</p> : null}
      {mails.map((mail) => (
        <article
          key={mail.id}
          data-testid="mail"
          data-kind={mail.kind}
          className="grid gap-2 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <h2>{mail.subject}</h2>
          <p className="muted text-sm">To {mail.to} · <time dateTime={mail.createdAt}>{new Date(mail.createdAt).toLocaleString()}</time></p>
          <pre className="text-sm whitespace-pre-wrap wrap-anywhere">{withLinks(mail.text, appOrigin)}</pre>
        </article>
      ))}
    </>
  );
}
