import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getServerCaller } from '@/app/_trpc/server';
import { getConfig } from '@/server/config';

export const metadata: Metadata = { title: 'Dev mailbox', robots: { index: false } };

/** The mail's own links back into the app (never arbitrary URLs), made clickable. */
function withLinks(text: string, appOrigin: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, index) =>
    part.startsWith(`${appOrigin}/`) ? <a key={index} href={part}>{part}</a> : part,
  );
}

/** Development only: the outbox, with links you can follow. 404 in production. */
export default async function MailboxPage() {
  const { production, appOrigin } = getConfig();
  if (production) notFound();
  const mails = await (await getServerCaller()).dev.mailbox();
  return (
    <>
      <h1>Dev mailbox</h1>
      <p className="muted">Mail the app would have sent. Newest first. This page does not exist in production.</p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      {mails.map((mail) => (
        <article key={mail.id} data-testid="mail" data-kind={mail.kind}>
          <h2>{mail.subject}</h2>
          <p className="muted">To {mail.to} · <time dateTime={mail.createdAt}>{new Date(mail.createdAt).toLocaleString()}</time></p>
          <pre>{withLinks(mail.text, appOrigin)}</pre>
        </article>
      ))}
    </>
  );
}
