// The mail outbox. A mail is written in the caller's transaction (so it exists iff the change
// does), with its body encrypted: the links it carries are live tokens, and a copy of the database
// must not yield them. Delivery claims rows with a short lease and commits, sends outside any
// transaction, then marks the row sent and clears the body: a slow or dead SMTP server holds no
// database connection, and a delivered mail keeps only what support needs.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { mailOutbox } from '@/db/schema';
import type { Database } from '@/db/client';
import { getSecretBox } from '@/server/core/encryption';
import type { SecretBox } from '@/server/security/encryption';
import type { Mail } from './templates';

type Writer = Pick<Database, 'insert'>;
export type MailTransport = { send(mail: Mail): Promise<void> };
type Body = { text: string; html: string };

const bodyContext = (id: string) => `mail_outbox:${id}`;

/** Writes a mail to the outbox, inside the caller's transaction, its body sealed with `box`. */
export async function enqueueMail(writer: Writer, mail: Mail, box: SecretBox = getSecretBox()): Promise<void> {
  const id = randomUUID();
  const body = box.encrypt(JSON.stringify({ text: mail.text, html: mail.html } satisfies Body), bodyContext(id));
  await writer.insert(mailOutbox).values({ id, kind: mail.kind, to: mail.to, subject: mail.subject, body });
}

/** The text and HTML of an outbox row, or null once it was delivered (the body is cleared then). */
export function openMailBody(box: SecretBox, row: { id: string; body: string | null }): Body | null {
  if (row.body === null) return null;
  return JSON.parse(box.decrypt(row.body, bodyContext(row.id))) as Body;
}

export const MAX_ATTEMPTS = 8;
const backoffSeconds = (attempts: number) => Math.min(3600, 30 * 2 ** attempts);

export type DeliveryOptions = {
  box: SecretBox;
  /** How long a claimed row is left alone by other deliverers; longer than one SMTP exchange can take. */
  leaseSeconds: number;
  /** At most this many mails per pass. */
  limit?: number;
};

type ClaimedRow = { id: string; kind: string; to: string; subject: string; body: string | null; attempts: number };
type Claimed = ClaimedRow & { leaseToken: string };

/**
 * Claims one due row for this deliverer in one committed statement. SKIP LOCKED and the lease let
 * several processes deliver at once without sending a mail twice while a send is in progress; one
 * row at a time, so the lease needs to cover a single SMTP exchange only.
 */
async function claimDueMail(db: Database, leaseSeconds: number): Promise<Claimed | undefined> {
  const leaseToken = randomUUID();
  const [row] = await db.execute<ClaimedRow>(sql`
    update ${mailOutbox} set
      locked_until = now() + make_interval(secs => ${leaseSeconds}),
      lease_token = ${leaseToken},
      attempts = attempts + 1
    where id = (
      select id from ${mailOutbox}
      where sent_at is null and attempts < ${MAX_ATTEMPTS} and next_attempt_at <= now()
        and (locked_until is null or locked_until < now())
      order by next_attempt_at
      limit 1
      for update skip locked
    )
    returning id, kind, "to", subject, body, attempts`);
  return row ? { ...row, leaseToken } : undefined;
}

/**
 * Sends due mail through `transport`, one at a time. A failure never loses a mail: it stays in the
 * outbox with the error and a later next-attempt time. If the process dies mid-send, the lease
 * runs out and the mail is sent again (at least once, never lost).
 */
export async function deliverPendingMail(
  db: Database,
  transport: MailTransport,
  options: DeliveryOptions,
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < (options.limit ?? 20); i += 1) {
    const row = await claimDueMail(db, options.leaseSeconds);
    if (!row) break;
    const heldByUs = and(eq(mailOutbox.id, row.id), eq(mailOutbox.leaseToken, row.leaseToken));
    try {
      const body = openMailBody(options.box, row);
      if (!body) throw new Error('mail body missing');
      await transport.send({ kind: row.kind as Mail['kind'], to: row.to, subject: row.subject, ...body });
    } catch (error) {
      const message = error instanceof Error ? error.message.slice(0, 500) : 'send failed';
      await db
        .update(mailOutbox)
        .set({
          lastError: message,
          lockedUntil: null,
          leaseToken: null,
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(row.attempts - 1)})`,
        })
        .where(heldByUs);
      continue;
    }
    await db
      .update(mailOutbox)
      .set({ sentAt: sql`now()`, body: null, lastError: null, lockedUntil: null, leaseToken: null })
      .where(heldByUs);
    sent += 1;
  }
  return sent;
}
