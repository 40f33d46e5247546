import { sql } from 'drizzle-orm';
import { createTRPCRouter, publicProcedure } from '../trpc';

export const systemRouter = createTRPCRouter({
  /** A tiny query that touches the database, used by the home page and the smoke test. */
  ping: publicProcedure.query(async ({ ctx }) => {
    await ctx.db.execute(sql`select 1`);
    return { ok: true as const, clientIp: ctx.clientIp };
  }),
});
