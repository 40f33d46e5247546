import nodemailer from 'nodemailer';
import { getConfig } from '@/server/core/config';
import { getDb } from '@/server/core/db';
import { getSecretBox } from '@/server/core/encryption';
import { getLogger } from '@/server/core/log';
import { processSingleton } from '@/server/core/singleton';
import { deliverPendingMail, type MailTransport } from './outbox';

export { enqueueMail } from './outbox';
export * from './templates';

const timeouts = (ms: number) => ({ connectionTimeout: ms, greetingTimeout: ms, socketTimeout: ms, dnsTimeout: ms });

/**
 * The connection settings of an smtp:// or smtps:// URL. Given as `url`, nodemailer would drop
 * the timeouts set beside it, so the URL is taken apart here.
 */
export function smtpOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
  };
}

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise none, and mail stays in the outbox.
 * nodemailer's own defaults wait 2 minutes to connect and 10 on a silent socket: a dead mail
 * server must cost seconds, not minutes.
 */
export function getMailTransport(): MailTransport | null {
  return processSingleton('mail-transport', createMailTransport);
}

function createMailTransport(): MailTransport | null {
  const { smtpUrl, mailFrom, smtpTimeoutMs } = getConfig();
  if (!smtpUrl) return null;
  const smtp = nodemailer.createTransport({ ...smtpOptions(smtpUrl), ...timeouts(smtpTimeoutMs) });
  return {
    async send(mail) {
      await smtp.sendMail({ from: mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
  };
}

/** A claimed mail is left alone by other deliverers this long: several SMTP timeouts, and then some. */
export const mailLeaseSeconds = () => Math.ceil((getConfig().smtpTimeoutMs * 4) / 1000) + 30;

/**
 * Kicks off delivery after a commit without making the user wait or see a failure. One delivery
 * loop per process: a kick while it runs makes it go round once more instead of starting another.
 */
export function deliverMailSoon(): void {
  const transport = getMailTransport();
  if (!transport) return;
  const state = processSingleton('mail-delivery', () => ({ running: false, again: false }));
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  const loop = async () => {
    do {
      state.again = false;
      await deliverPendingMail(getDb(), transport, { box: getSecretBox(), leaseSeconds: mailLeaseSeconds() });
    } while (state.again);
  };
  loop()
    .catch((error: unknown) => getLogger().warn({ err: error }, 'mail delivery failed; will retry'))
    .finally(() => (state.running = false));
}
