import { z } from 'zod';
import { getAuthService } from '@/server/auth';
import { finishBrowserSignIn } from '../browser-sign-in';
import { knownDeviceFor, readDevice } from '@/server/auth/device-cookie';
import { emailSchema } from '@/server/auth/email';
import { revokeSession } from '@/server/auth/sessions';
import { clearSessionCookie, writeSessionCookie } from '@/server/auth/session-cookie';
import type { KnownDeviceLookup, TrustedBrowserLookup } from '@/server/auth/user-auth-service';
import { getAuditLog } from '@/server/core/audit-log';
import { auditEntry } from '@/server/core/request-info';
import { isTrustedBrowser } from '@/server/two-factor/trusted-browsers';
import { textInput } from '../text-input';
import { createTRPCRouter, publicProcedure, requestInfo } from '../trpc';

// Bounded here so hostile inputs are refused (400) before any hashing; the policy itself is in
// server/security/password.ts and answers 422 with a message safe to show.
const password = textInput(1024, 'That password is too long.').min(1, 'Enter your password.');
const token = textInput(256).min(1);

const SENT = 'If that address can receive mail from us, a message is on its way. Check your inbox.';

export const authRouter = createTRPCRouter({
  me: publicProcedure.query(async ({ ctx }) => {
    const session = await ctx.session();
    return session && !session.pendingSecondFactor ? { email: session.email, userId: session.userId } : null;
  }),

  /** Email first: the mailed link leads to "choose your password" (auth.activate). */
  signup: publicProcedure.input(z.object({ email: emailSchema })).mutation(async ({ ctx, input }) => {
    await getAuthService().signup(input.email, requestInfo(ctx));
    return { message: SENT };
  }),

  activate: publicProcedure.input(z.object({ token, password })).mutation(async ({ ctx, input }) => {
    await getAuthService().activate(input, requestInfo(ctx));
    return { message: 'Your account is active. You can sign in now.' };
  }),

  login: publicProcedure.input(z.object({ email: emailSchema, password })).mutation(async ({ ctx, input }) => {
    const device = await readDevice(ctx.headers);
    const lookups: { knownDevice: KnownDeviceLookup | null; trustedBrowser?: TrustedBrowserLookup } = {
      knownDevice: device.deviceId ? (account) => knownDeviceFor(device, account) : null,
      trustedBrowser: (account) => isTrustedBrowser(ctx.db, ctx.headers, account),
    };
    const result = await getAuthService().login({ ...input, ...lookups }, requestInfo(ctx));
    if (!result.pendingSecondFactor) {
      await finishBrowserSignIn(ctx, result);
      return { pendingSecondFactor: false };
    }
    await writeSessionCookie(ctx.resHeaders, result.token);
    return { pendingSecondFactor: true };
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    const session = await ctx.session();
    clearSessionCookie(ctx.resHeaders);
    if (!session) return { ok: true };
    await revokeSession(ctx.db, session.userId, session.sessionId);
    await getAuditLog().record(auditEntry(requestInfo(ctx), 'logout', session.userId));
    return { ok: true };
  }),

  requestPasswordReset: publicProcedure.input(z.object({ email: emailSchema })).mutation(async ({ ctx, input }) => {
    await getAuthService().requestPasswordReset(input.email, requestInfo(ctx));
    return { message: SENT };
  }),

  resetPassword: publicProcedure.input(z.object({ token, password })).mutation(async ({ ctx, input }) => {
    await getAuthService().resetPassword(input, requestInfo(ctx));
    clearSessionCookie(ctx.resHeaders);
    return { message: 'Your password was changed and every session was signed out. Sign in with the new password.' };
  }),
});
