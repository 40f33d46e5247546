import { noteSignInDevice } from '@/server/account-lifecycle/new-device';
import { type SignedIn, startBrowserSession } from '@/server/auth/browser-sign-in';
import type { RequestInfo } from '@/server/core/request-info';
import { type Context, requestInfo } from './trpc';

type SignInListener = (signIn: { userId: string; deviceId: string }, request: RequestInfo) => Promise<unknown>;

// Modules that act on every browser sign-in, such as the owner's alert about a new device.
const signInListeners: SignInListener[] = [
  noteSignInDevice,
];

/**
 * Finishes a sign-in of any kind (password, second factor, passkey) in the browser: session
 * cookie, remembered device, and what modules do on a sign-in (the new-device alert).
 */
export async function finishBrowserSignIn(ctx: Context, signedIn: SignedIn): Promise<void> {
  const deviceId = await startBrowserSession(ctx.headers, ctx.resHeaders, signedIn);
  for (const listener of signInListeners) await listener({ userId: signedIn.userId, deviceId }, requestInfo(ctx));
}
