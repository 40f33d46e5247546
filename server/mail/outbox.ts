import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { mailOutbox } from '@/db/schema';
import type { Database } from '@/db/client';
import type { Mail } from './templates';

type Writer = Pick<Database, 'insert'>;
export type MailTransport = { send(mail: Mail): Promise<void> };

/** Writes a mail to the outbox — inside the caller's transaction, so it exists iff the change does. */
export async function enqueueMail(writer: Writer, mail: Mail): Promise<void> {
  await writer.insert(mailOutbox).values(mail);
}

const MAX_ATTEMPTS = 8;
const backoffSeconds = (attempts: number) => Math.min(3600, 30 * 2 ** attempts);

/**
 * Sends due mail through `transport`. A failure never loses a mail: it stays in the outbox
 * with the error and a later next-attempt time. Rows are claimed with SKIP LOCKED so several
 * app instances can deliver at once without sending a mail twice.
 */
export async function deliverPendingMail(db: Database, transport: MailTransport, limit = 20): Promise<number> {
  let sent = 0;
  for (let i = 0; i < limit; i += 1) {
    const delivered = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(mailOutbox)
        .where(and(isNull(mailOutbox.sentAt), lte(mailOutbox.nextAttemptAt, sql`now()`), lte(mailOutbox.attempts, MAX_ATTEMPTS)))
        .orderBy(asc(mailOutbox.nextAttemptAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return undefined;
      try {
        await transport.send({ kind: row.kind as Mail['kind'], to: row.to, subject: row.subject, text: row.text, html: row.html });
        await tx.update(mailOutbox).set({ sentAt: sql`now()`, attempts: row.attempts + 1, lastError: null }).where(eq(mailOutbox.id, row.id));
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message.slice(0, 500) : 'send failed';
        await tx
          .update(mailOutbox)
          .set({ attempts: row.attempts + 1, lastError: message, nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(row.attempts)})` })
          .where(eq(mailOutbox.id, row.id));
        return false;
      }
    });
    if (delivered === undefined) break;
    if (delivered) sent += 1;
  }
  return sent;
}
