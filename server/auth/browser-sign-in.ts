import { rememberDevice } from './device-cookie';
import { writeSessionCookie } from './session-cookie';

export type SignedIn = { token: string; userId: string; credentialEpoch: number };

/**
 * What every completed sign-in sets in the browser: the session cookie, and the device it came
 * from. Answers the device id.
 */
export async function startBrowserSession(requestHeaders: Headers, resHeaders: Headers, signedIn: SignedIn) {
  await writeSessionCookie(resHeaders, signedIn.token);
  return rememberDevice(requestHeaders, resHeaders, { userId: signedIn.userId, epoch: signedIn.credentialEpoch });
}
