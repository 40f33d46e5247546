import { ForbiddenError } from '@/server/security/errors';
import { protectedProcedure } from './trpc';

export class StepUpRequiredError extends ForbiddenError {
  constructor() {
    super('Confirm it\'s you: enter your password again (and a code, when two-factor is on) to continue.');
  }
}

/** For sensitive actions: the session must have proved its user within the last few minutes. */
export const stepUpProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.auth.recentlyAuthenticated) throw new StepUpRequiredError();
  return next();
});
