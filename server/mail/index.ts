import nodemailer from 'nodemailer';
import { getConfig } from '@/server/config';
import { getDb } from '@/server/db';
import { getLogger } from '@/server/log';
import { deliverPendingMail, type MailTransport } from './outbox';

export { enqueueMail } from './outbox';
export * from './templates';

type Shared = { bastionMailTransport?: MailTransport | null };

/** SMTP through nodemailer when SMTP_URL is set; otherwise none, and mail stays in the outbox. */
export function getMailTransport(): MailTransport | null {
  const shared = globalThis as Shared;
  if (shared.bastionMailTransport !== undefined) return shared.bastionMailTransport;
  const { smtpUrl, mailFrom } = getConfig();
  if (!smtpUrl) return (shared.bastionMailTransport = null);
  const smtp = nodemailer.createTransport(smtpUrl);
  shared.bastionMailTransport = {
    async send(mail) {
      await smtp.sendMail({ from: mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
  };
  return shared.bastionMailTransport;
}

/** Kicks off delivery after a commit without making the user wait or see a failure. */
export function deliverMailSoon(): void {
  const transport = getMailTransport();
  if (!transport) return;
  deliverPendingMail(getDb(), transport).catch((error: unknown) => getLogger().warn({ err: error }, 'mail delivery failed; will retry'));
}
