// Enrolment and the code step over real HTTP, shared by the two-factor integration tests.
import { expect } from 'vitest';
import type { authFlows } from '@/server/auth/int-helpers';
import { TestClient } from '@/test/client';
import { TotpClock } from '@/test/totp-clock';

type Flows = ReturnType<typeof authFlows>;
export type Enrolled = { email: string; userId: string; client: TestClient; clock: TotpClock; recoveryCodes: string[] };

export function twoFactorFlows(origin: string, flows: Flows) {
  /** A new account that turned two-factor on from a freshly signed-in session. */
  async function enrolledUser(): Promise<Enrolled> {
    const email = await flows.signUpAndActivate();
    const client = await flows.signedIn(email);
    const begun = await client.mutation<{ key: string; qrSvg: string }>('twoFactor.beginEnrolment');
    expect(begun.status, begun.text).toBe(200);
    const clock = new TotpClock(begun.data?.key ?? '');
    const confirmed = await client.mutation<{ recoveryCodes: string[] }>('twoFactor.confirmEnrolment', { code: await clock.nextCode() });
    expect(confirmed.status, confirmed.text).toBe(200);
    const userId = await flows.userIdOf(email);
    return { email, userId, client, clock, recoveryCodes: confirmed.data?.recoveryCodes ?? [] };
  }

  /** A browser past the password, waiting at the code step. */
  async function pendingClient(email: string, client = new TestClient(origin)): Promise<TestClient> {
    await client.start();
    const reply = await client.mutation<{ pendingSecondFactor: boolean }>('auth.login', { email, password: 'correct horse battery staple' });
    expect(reply.data?.pendingSecondFactor, reply.text).toBe(true);
    return client;
  }

  return { enrolledUser, pendingClient };
}

export const statuses = (replies: { status: number }[]) => replies.map((reply) => reply.status);
export const countOf = (values: number[], wanted: number) => values.filter((value) => value === wanted).length;
