import { createCallerFactory, createTRPCRouter } from './trpc';
import { accountRouter } from './routers/account';
import { accountLifecycleRouter } from './routers/account-lifecycle';
import { authRouter } from './routers/auth';
import { devRouter } from './routers/dev';
import { filesRouter } from './routers/files';
import { passkeysRouter } from './routers/passkeys';
import { systemRouter } from './routers/system';
import { twoFactorRouter } from './routers/two-factor';
import { webhooksRouter } from './routers/webhooks';

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
  account: accountRouter,
  lifecycle: accountLifecycleRouter,
  dev: devRouter,
  files: filesRouter,
  webhooks: webhooksRouter,
  twoFactor: twoFactorRouter,
  passkeys: passkeysRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
