// A local mail catcher for the e2e demos: a real SMTP server (smtp-server) on loopback that the
// app delivers to through its nodemailer transport, and a tiny inbox page to open in the browser.
import { createServer, type Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type CaughtMail = { to: string; subject: string; text: string; receivedAt: string };

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const linkify = (text: string) => escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

export async function startMailCatcher(
  smtpPort: number,
  webPort: number,
): Promise<{ stop(): Promise<void>; mails: CaughtMail[] }> {
  const mails: CaughtMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((rcpt) => rcpt.address).join(', ');
          mails.unshift({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', receivedAt: new Date().toISOString() });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));

  const web: Server = createServer((req, res) => {
    const to = new URL(req.url ?? '/', 'http://localhost').searchParams.get('to');
    const shown = mails.filter((mail) => !to || mail.to === to);
    const items = shown
      .map((mail) => `<article data-testid="mail"><h2>${escapeHtml(mail.subject)}</h2><p>To ${escapeHtml(mail.to)}</p><pre>${linkify(mail.text)}</pre></article>`)
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>Mail catcher</title><h1>Inbox</h1>${items || '<p>No mail yet.</p>'}`);
  });
  await new Promise<void>((resolve) => web.listen(webPort, '127.0.0.1', resolve));

  return {
    mails,
    async stop() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}
