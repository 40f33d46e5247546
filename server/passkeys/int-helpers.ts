// Passkey registration and the sign-in challenge over real HTTP, shared by the passkey and
// multi-instance integration tests.
import { expect } from 'vitest';
import type { authFlows } from '@/server/auth/int-helpers';
import { TestClient } from '@/test/client';
import { SoftwareAuthenticator, type Twist } from '@/test/software-authenticator';

type Flows = ReturnType<typeof authFlows>;
export type Options = { challenge: string; user: { id: string } };
export type Owner = { email: string; userId: string; client: TestClient; authenticator: SoftwareAuthenticator };

export async function addPasskey(client: TestClient, authenticator: SoftwareAuthenticator, twist: Twist = {}) {
  const options = await client.mutation<Options>('passkeys.registrationOptions');
  expect(options.status, options.text).toBe(200);
  return client.mutation('passkeys.register', { response: authenticator.register(options.data as Options, twist), name: 'Laptop' });
}

/** `visitor` makes each new browser (several instances behind a load balancer give their own). */
export function passkeyFlows(origin: string, flows: Flows, visitor = () => new TestClient(origin)) {
  /** A new account, signed in, with one passkey on `authenticator`. */
  async function passkeyOwner(authenticator = new SoftwareAuthenticator(origin)): Promise<Owner> {
    const email = await flows.signUpAndActivate();
    const client = await flows.signedIn(email);
    const added = await addPasskey(client, authenticator);
    expect(added.status, added.text).toBe(200);
    return { email, userId: await flows.userIdOf(email), client, authenticator };
  }

  /** A browser on the login page that asked for sign-in options. */
  async function signInAttempt() {
    const browser = await visitor().start();
    const options = await browser.mutation<Options>('passkeys.signInOptions');
    expect(options.status, options.text).toBe(200);
    return { browser, options: options.data as Options };
  }

  return { passkeyOwner, signInAttempt };
}
