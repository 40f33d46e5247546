import { noteSignInDevice } from '@/server/account-lifecycle/new-device';
import { type SignedIn, startBrowserSession } from '@/server/auth/browser-sign-in';
import { type Context, requestInfo } from './trpc';

/**
 * Finishes a sign-in of any kind (password, second factor, passkey) in the browser: session
 * cookie, remembered device, and the owner's alert when that device is new to the account.
 */
export async function finishBrowserSignIn(ctx: Context, signedIn: SignedIn): Promise<void> {
  const deviceId = await startBrowserSession(ctx.headers, ctx.resHeaders, signedIn);
  await noteSignInDevice({ userId: signedIn.userId, deviceId }, requestInfo(ctx));
}
