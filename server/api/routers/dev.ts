import { desc } from 'drizzle-orm';
import { mailOutbox } from '@/db/schema';
import { getConfig } from '@/server/core/config';
import { getSecretBox } from '@/server/core/encryption';
import { openMailBody } from '@/server/mail/outbox';
import { NotFoundError } from '@/server/security/errors';
import { createTRPCRouter, publicProcedure } from '../trpc';

export const devRouter = createTRPCRouter({
  /** Development only: the outbox, so flows can be tried without an SMTP server. 404 in production. */
  mailbox: publicProcedure.query(async ({ ctx }) => {
    if (getConfig().production) throw new NotFoundError();
    const rows = await ctx.db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(50);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      to: row.to,
      subject: row.subject,
      // Delivered mail keeps no body.
      text: openMailBody(getSecretBox(), row)?.text ?? '(delivered: the body is no longer kept)',
      createdAt: row.createdAt.toISOString(),
      sentAt: row.sentAt?.toISOString() ?? null,
    }));
  }),
});
