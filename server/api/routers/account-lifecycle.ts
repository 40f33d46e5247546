import { z } from 'zod';
import { deleteAccount } from '@/server/account-lifecycle/deletion';
import { confirmEmailChange, requestEmailChange, undoEmailChange } from '@/server/account-lifecycle/email-change';
import { useUnlockLink } from '@/server/account-lifecycle/unlock';
import { rememberDevice } from '@/server/auth/device-cookie';
import { emailSchema } from '@/server/auth/email';
import { clearSessionCookie } from '@/server/auth/session-cookie';
import { stepUpProcedure } from '../step-up';
import { textInput } from '../text-input';
import { type Context, createTRPCRouter, publicProcedure, requestInfo } from '../trpc';

const currentPassword = textInput(1024, 'That password is too long.').min(1, 'Enter your current password.');
const token = z.object({ token: textInput(256).min(1) });

type SignedIn = Context & { auth: { userId: string; sessionId: string } };
const passwordCheck = (ctx: SignedIn, input: { currentPassword: string }) => ({
  auth: ctx.auth,
  request: requestInfo(ctx),
  currentPassword: input.currentPassword,
});

export const accountLifecycleRouter = createTRPCRouter({
  /** The same answer whether or not another account holds the new address. */
  requestEmailChange: stepUpProcedure
    .input(z.object({ currentPassword, newEmail: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      await requestEmailChange(passwordCheck(ctx, input), input.newEmail);
      return { message: 'Check the inbox of the new address and follow the link there to finish the change.' };
    }),

  confirmEmailChange: publicProcedure.input(token).mutation(async ({ ctx, input }) => {
    await confirmEmailChange(input.token, requestInfo(ctx));
    return { message: 'Your address was changed. Use the new one to sign in.' };
  }),

  undoEmailChange: publicProcedure.input(token).mutation(async ({ ctx, input }) => {
    await undoEmailChange(input.token, requestInfo(ctx));
    clearSessionCookie(ctx.resHeaders);
    return { message: 'Your address was restored and every session signed out. Choose a new password now.' };
  }),

  deleteAccount: stepUpProcedure
    .input(z.object({ currentPassword, confirmEmail: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      await deleteAccount(passwordCheck(ctx, input), input.confirmEmail);
      clearSessionCookie(ctx.resHeaders);
      return { message: 'Your account was deleted.' };
    }),

  /** Makes this browser a known device of the locked account: its sign-ins get a budget of their own. */
  unlock: publicProcedure.input(token).mutation(async ({ ctx, input }) => {
    const account = await useUnlockLink(input.token, requestInfo(ctx));
    await rememberDevice(ctx.headers, ctx.resHeaders, account);
    return { message: 'This browser can sign in to your account now, despite the lock.' };
  }),
});
