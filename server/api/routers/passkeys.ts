import { z } from 'zod';
import { finishBrowserSignIn } from '../browser-sign-in';
import { sessionPolicy } from '@/server/auth/request-session';
import { deliverMailSoon } from '@/server/mail';
import { assertionOptions, verifyAssertion } from '@/server/passkeys/assertion';
import { bindBrowser, browserBinding, sessionBinding } from '@/server/passkeys/browser-binding';
import { deletePasskey, listPasskeys, renamePasskey } from '@/server/passkeys/manage';
import { registerPasskey, registrationOptions } from '@/server/passkeys/registration';
import { authenticationResponse, registrationResponse } from '@/server/passkeys/responses';
import { passkeyProof, signInWithPasskey } from '@/server/passkeys/sign-in';
import { NotFoundError } from '@/server/security/errors';
import { reserveCodeCheck } from '@/server/two-factor/code-check';
import { finishSignIn } from '@/server/two-factor/sign-in';
import { stepUpProcedure } from '../step-up';
import { textInput } from '../text-input';
import { createTRPCRouter, pendingProcedure, protectedProcedure, publicProcedure, requestInfo } from '../trpc';

const name = textInput(64, 'Keep the name under 64 characters.').trim().min(1, 'Give the passkey a name.');
const NOT_FOUND = 'No such passkey.';

export const passkeysRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listPasskeys(ctx.db, ctx.auth.userId)),

  registrationOptions: stepUpProcedure.mutation(({ ctx }) => registrationOptions(ctx.db, ctx.auth)),

  register: stepUpProcedure
    .input(z.object({ response: registrationResponse, name }))
    .mutation(async ({ ctx, input }) => {
      await registerPasskey(ctx.db, ctx.auth, input, requestInfo(ctx));
      deliverMailSoon();
      return { message: 'Passkey added. You can sign in with it now.' };
    }),

  rename: protectedProcedure.input(z.object({ id: z.uuid(), name })).mutation(async ({ ctx, input }) => {
    if (!(await renamePasskey(ctx.db, ctx.auth.userId, input, requestInfo(ctx)))) throw new NotFoundError(NOT_FOUND);
    return { message: 'Passkey renamed.' };
  }),

  delete: stepUpProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    if (!(await deletePasskey(ctx.db, ctx.auth.userId, input.id, requestInfo(ctx)))) throw new NotFoundError(NOT_FOUND);
    deliverMailSoon();
    return { message: 'Passkey removed.' };
  }),

  /** Options for a discoverable sign-in (button or autofill), bound to this browser by a cookie. */
  signInOptions: publicProcedure.mutation(({ ctx }) => {
    const binding = bindBrowser(ctx.resHeaders);
    return assertionOptions(ctx.db, { purpose: 'sign_in', binding });
  }),

  signIn: publicProcedure.input(z.object({ response: authenticationResponse })).mutation(async ({ ctx, input }) => {
    const context = { binding: browserBinding(ctx.headers), request: requestInfo(ctx), policy: sessionPolicy() };
    const signedIn = await signInWithPasskey(ctx.db, input.response, context);
    await finishBrowserSignIn(ctx, signedIn);
    return { message: 'Signed in.' };
  }),

  secondFactorOptions: pendingProcedure.mutation(({ ctx }) => {
    const expected = { purpose: 'second_factor' as const, binding: sessionBinding(ctx.pending.sessionId) };
    return assertionOptions(ctx.db, { ...expected, userId: ctx.pending.userId });
  }),

  /** The code step answered with a passkey instead of a code, on the same budgets. */
  verifySecondFactor: pendingProcedure
    .input(z.object({ response: authenticationResponse, trustBrowser: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const pending = { sessionId: ctx.pending.sessionId, userId: ctx.pending.userId };
      const request = requestInfo(ctx);
      await reserveCodeCheck(pending.sessionId, pending.userId, request);
      const expected = { purpose: 'second_factor' as const, binding: sessionBinding(pending.sessionId), userId: pending.userId };
      const assertion = await verifyAssertion(ctx.db, input.response, expected, request);
      const options = { trustBrowser: input.trustBrowser, proof: passkeyProof(assertion) };
      const context = { request, resHeaders: ctx.resHeaders, policy: sessionPolicy() };
      const signedIn = await finishSignIn(ctx.db, pending, options, context);
      await finishBrowserSignIn(ctx, signedIn);
      return { message: 'Signed in.' };
    }),
});
