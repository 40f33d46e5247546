// Sign-in exemptions of browsers the owner used before: they survive a busy shared address and a
// secret rotation, and lapse when the credentials change.
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_SESSION_SECRET } from '@/test/app';
import { randomClientIp, SESSION_COOKIE, TestClient } from '@/test/client';
import { uniqueEmail } from '@/test/db';
import { type AuthTestApp, DEVICE_COOKIE, PASSWORD, useAuthTestApp } from './int-helpers';

const context = useAuthTestApp();
let app: AuthTestApp['app'], flows: AuthTestApp['flows'];
beforeAll(() => ({ app, flows } = context));

/** A client holding a copy of another browser's device cookie, from an IP of its own. */
function withCopiedDevice(from: TestClient, origin = app.origin): TestClient {
  const copy = new TestClient(origin);
  copy.cookies.set(DEVICE_COOKIE, from.cookies.get(DEVICE_COOKIE) ?? '');
  return copy;
}

describe('a shared address (NAT, CGNAT)', () => {
  it('spending its daily sign-in budget locks out newcomers, never browsers that signed in before', async () => {
    const sharedIp = randomClientIp();
    const email = await flows.signUpAndActivate();
    const neighbour = await flows.signUpAndActivate();
    const owner = await flows.signedIn(email, PASSWORD, new TestClient(app.origin, sharedIp));
    await owner.mutation('auth.logout');
    const crowd = await new TestClient(app.origin, sharedIp).start();
    // A few at a time, within the sign-ins the entry admits at once, so that each spends the budget.
    for (let batch = 0; batch < 25; batch += 1) {
      const guess = () => crowd.mutation('auth.login', { email: uniqueEmail('crowd'), password: 'wrong password' });
      await Promise.all(Array.from({ length: 4 }, guess));
    }
    const newcomer = await new TestClient(app.origin, sharedIp).start();
    expect((await newcomer.mutation('auth.login', { email: neighbour, password: PASSWORD })).status).toBe(429);
    const again = await owner.mutation('auth.login', { email, password: PASSWORD });
    expect(again.status, again.text).toBe(200);
  });
});

describe('device exemptions lapse when the credentials change', () => {
  const events = {
    'a password reset': async (_owner: TestClient, email: string) => {
      const token = await flows.resetToken(email);
      const client = await new TestClient(app.origin).start('/reset-password');
      expect((await client.mutation('auth.resetPassword', { token, password: PASSWORD })).status).toBe(200);
    },
    'a password change': async (owner: TestClient) => {
      const sameAgain = { currentPassword: PASSWORD, newPassword: PASSWORD };
      const change = await owner.mutation('account.changePassword', sameAgain);
      expect(change.status).toBe(200);
    },
    'signing out everywhere else': async (owner: TestClient) => {
      expect((await owner.mutation('account.revokeOtherSessions')).status).toBe(200);
    },
  };

  const eventNames = Object.keys(events) as (keyof typeof events)[];
  it.each(eventNames)('after %s, a device cookie copied before it earns no budget of its own', async (event) => {
    const email = await flows.signUpAndActivate();
    const owner = await flows.signedIn(email);
    const thief = withCopiedDevice(owner);
    await events[event](owner, email);
    await flows.burnAccountBudget(email);
    await thief.start();
    expect((await thief.mutation('auth.login', { email, password: 'thief guess number 1' })).status).toBe(429);
  });

  it('the browser that changed the password, or signed out the others, keeps its own exemption', async () => {
    const email = await flows.signUpAndActivate();
    const owner = await flows.signedIn(email);
    await events['a password change'](owner);
    await events['signing out everywhere else'](owner);
    await owner.mutation('auth.logout');
    await flows.burnAccountBudget(email);
    const again = await owner.mutation('auth.login', { email, password: PASSWORD });
    expect(again.status, again.text).toBe(200);
  });
});

describe('rotating SESSION_SECRET', () => {
  it('keeps sessions and device exemptions sealed with the previous secret', async () => {
    const email = await flows.signUpAndActivate();
    const owner = await flows.signedIn(email);
    const rotated = await context.start({
      SESSION_SECRET: 'Zq4mT8vKp2Lx9RwB7nHc3YdF6gJs1AeU0tPo5iMk-rotated',
      SESSION_SECRETS_PREVIOUS: TEST_SESSION_SECRET,
    });
    try {
      const browser = new TestClient(rotated.origin, owner.ip);
      for (const [name, value] of owner.cookies) browser.cookies.set(name, value);
      const me = await browser.query<{ email: string }>('auth.me');
      expect(me.data?.email).toBe(email);
      // Re-sealed with the new key.
      expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(owner.cookies.get(SESSION_COOKIE));
      await browser.mutation('auth.logout');
      await flows.burnAccountBudget(email, rotated.origin);
      const stranger = await new TestClient(rotated.origin).start();
      expect((await stranger.mutation('auth.login', { email, password: PASSWORD })).status).toBe(429);
      const again = await browser.mutation('auth.login', { email, password: PASSWORD });
      expect(again.status, again.text).toBe(200);
    } finally {
      await rotated.stop();
    }
  });
});
