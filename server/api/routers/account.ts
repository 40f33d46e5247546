import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditEvents } from '@/db/schema';
import { getAuthService } from '@/server/auth';
import { sessionPolicy } from '@/server/auth/request-session';
import { rememberDevice } from '@/server/auth/device-cookie';
import { listSessions, revokeSession, signOutEverywhereElse } from '@/server/auth/sessions';
import { getAuditLog } from '@/server/core/audit-log';
import { auditEntry } from '@/server/core/request-info';
import { NotFoundError } from '@/server/security/errors';
import { stepUpProcedure } from '../step-up';
import { textInput } from '../text-input';
import { createTRPCRouter, protectedProcedure, requestInfo } from '../trpc';

export const accountRouter = createTRPCRouter({
  sessions: protectedProcedure.query(async ({ ctx }) => {
    const rows = await listSessions(ctx.db, ctx.auth.userId, sessionPolicy());
    return rows.map((row) => ({
      ...row,
      current: row.id === ctx.auth.sessionId,
      createdAt: row.createdAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
    }));
  }),

  /** Another user's session id answers 404, exactly like an unknown one. */
  revokeSession: protectedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const revoked = await revokeSession(ctx.db, ctx.auth.userId, input.id);
    if (!revoked) throw new NotFoundError('No such session.');
    const details = { sessionId: input.id };
    await getAuditLog().record(auditEntry(requestInfo(ctx), 'session_revoked', ctx.auth.userId, details));
    return { ok: true };
  }),

  /** Other browsers lose their sessions and their sign-in exemption; this one keeps both. */
  revokeOtherSessions: protectedProcedure.mutation(async ({ ctx }) => {
    const { revoked, credentialEpoch } = await signOutEverywhereElse(ctx.db, ctx.auth.userId, ctx.auth.sessionId);
    await rememberDevice(ctx.headers, ctx.resHeaders, { userId: ctx.auth.userId, epoch: credentialEpoch });
    const details = { others: revoked };
    await getAuditLog().record(auditEntry(requestInfo(ctx), 'session_revoked', ctx.auth.userId, details));
    return { revoked };
  }),

  changePassword: stepUpProcedure
    .input(z.object({ currentPassword: textInput(1024).min(1), newPassword: textInput(1024).min(1) }))
    .mutation(async ({ ctx, input }) => {
      const caller = { userId: ctx.auth.userId, sessionId: ctx.auth.sessionId };
      const epoch = await getAuthService().changePassword({ ...input, ...caller }, requestInfo(ctx));
      await rememberDevice(ctx.headers, ctx.resHeaders, { userId: ctx.auth.userId, epoch });
      return { message: 'Password changed. Your other sessions were signed out.' };
    }),

  /** This user's recent security events — never anyone else's. */
  activity: protectedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db
      .select({
        id: auditEvents.id,
        event: auditEvents.event,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
        createdAt: auditEvents.createdAt,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, ctx.auth.userId)))
      .orderBy(desc(auditEvents.createdAt))
      .limit(25);
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  }),
});
