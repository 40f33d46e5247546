import { z } from 'zod';
import { finishBrowserSignIn } from '../browser-sign-in';
import { sessionPolicy } from '@/server/auth/request-session';
import { deliverMailSoon } from '@/server/mail';
import { NotFoundError } from '@/server/security/errors';
import { countRecoveryCodesLeft, loadCodeOwner } from '@/server/two-factor/code-check';
import {
  beginEnrolment,
  confirmEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
} from '@/server/two-factor/enrolment';
import { completeSignIn } from '@/server/two-factor/sign-in';
import { confirmIdentity } from '@/server/two-factor/step-up';
import { listTrustedBrowsers, revokeTrustedBrowser } from '@/server/two-factor/trusted-browsers';
import { stepUpProcedure } from '../step-up';
import { textInput } from '../text-input';
import { createTRPCRouter, pendingProcedure, protectedProcedure, requestInfo } from '../trpc';

// A TOTP code (6 digits) or a recovery code (xxxx-xxxx-xxxx-xxxx); spaces are forgiven.
const code = textInput(64, 'That code is too long.').min(1, 'Enter a code.').transform((value) => value.replace(/\s/g, ''));
const password = textInput(1024, 'That password is too long.').min(1, 'Enter your password.');

const caller = (auth: { userId: string; sessionId: string }) => ({ userId: auth.userId, sessionId: auth.sessionId });

export const twoFactorRouter = createTRPCRouter({
  status: protectedProcedure.query(async ({ ctx }) => {
    const owner = await loadCodeOwner(ctx.db, ctx.auth.userId);
    return {
      enabled: Boolean(owner?.totpSecret),
      recoveryCodesLeft: owner?.totpSecret ? await countRecoveryCodesLeft(ctx.db, ctx.auth.userId) : 0,
      recentlyAuthenticated: ctx.auth.recentlyAuthenticated,
    };
  }),

  /** The code step of sign-in: a valid code replaces the pending session with a new one. */
  verify: pendingProcedure
    .input(z.object({ code, trustBrowser: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const pending = { sessionId: ctx.pending.sessionId, userId: ctx.pending.userId };
      const context = { request: requestInfo(ctx), resHeaders: ctx.resHeaders, policy: sessionPolicy() };
      const signedIn = await completeSignIn(ctx.db, pending, input, context);
      deliverMailSoon();
      await finishBrowserSignIn(ctx, signedIn);
      return { message: 'Signed in.' };
    }),

  confirmIdentity: protectedProcedure
    .input(z.object({ password, code: code.optional() }))
    .mutation(async ({ ctx, input }) => {
      await confirmIdentity(ctx.db, caller(ctx.auth), input, requestInfo(ctx));
      deliverMailSoon();
      return { message: 'Thanks, that was you. Sensitive actions are open for the next 10 minutes.' };
    }),

  beginEnrolment: stepUpProcedure.mutation(({ ctx }) => beginEnrolment(ctx.db, ctx.auth.userId)),

  confirmEnrolment: stepUpProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
    const recoveryCodes = await confirmEnrolment(ctx.db, caller(ctx.auth), input.code, requestInfo(ctx));
    deliverMailSoon();
    return { recoveryCodes, message: 'Two-factor authentication is on. Your other sessions were signed out.' };
  }),

  disable: stepUpProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
    await disableTwoFactor(ctx.db, caller(ctx.auth), input.code, requestInfo(ctx));
    deliverMailSoon();
    return { message: 'Two-factor authentication is off. Your other sessions were signed out.' };
  }),

  regenerateRecoveryCodes: stepUpProcedure.mutation(async ({ ctx }) => {
    const recoveryCodes = await regenerateRecoveryCodes(ctx.db, caller(ctx.auth), requestInfo(ctx));
    return { recoveryCodes, message: 'New recovery codes. The old ones no longer work.' };
  }),

  trustedBrowsers: protectedProcedure.query(({ ctx }) => listTrustedBrowsers(ctx.db, ctx.auth.userId, ctx.headers)),

  /** Another user's id answers 404, exactly like an unknown one. */
  revokeTrustedBrowser: protectedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const revoked = await revokeTrustedBrowser(ctx.db, ctx.auth.userId, input.id, requestInfo(ctx));
    if (!revoked) throw new NotFoundError('No such trusted browser.');
    return { ok: true };
  }),
});
