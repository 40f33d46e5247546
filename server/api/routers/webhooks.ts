import { z } from 'zod';
import { deleteWebhook, listWebhooks, registerWebhook, sendTestEvent } from '@/server/webhooks/service';
import { textInput } from '../text-input';
import { createTRPCRouter, protectedProcedure, requestInfo } from '../trpc';

const id = z.uuid();
const webhookUrl = textInput(2048).trim().min(1);

export const webhooksRouter = createTRPCRouter({
  list: protectedProcedure.query(async ({ ctx }) => {
    const rows = await listWebhooks(ctx.db, ctx.auth.userId);
    return rows.map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      lastTestedAt: row.lastTestedAt?.toISOString() ?? null,
    }));
  }),

  /** The URL is checked (scheme, credentials, resolved addresses) at registration and again at every send. */
  register: protectedProcedure.input(z.object({ url: webhookUrl })).mutation(async ({ ctx, input }) => {
    const row = await registerWebhook(ctx.db, { userId: ctx.auth.userId, ...requestInfo(ctx) }, input.url);
    return { id: row?.id, url: row?.url, secret: row?.secret };
  }),

  delete: protectedProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await deleteWebhook(ctx.db, ctx.auth.userId, input.id);
    return { ok: true };
  }),

  sendTest: protectedProcedure.input(z.object({ id })).mutation(({ ctx, input }) =>
    sendTestEvent(ctx.db, { userId: ctx.auth.userId, ...requestInfo(ctx) }, input.id),
  ),
});
