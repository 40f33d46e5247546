// Passkeys attacked over real HTTP against the built app, with a software authenticator that
// signs per the spec: wrong origin and RP ID, replayed, expired and foreign challenges, another
// user's credential, tampered signatures, counter rollback, parallel replays, and step-up.
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, useAuthTestApp } from '@/server/auth/int-helpers';
import { countOf, statuses, twoFactorFlows } from '@/server/two-factor/int-helpers';
import { TestClient } from '@/test/client';
import { SoftwareAuthenticator, type Twist } from '@/test/software-authenticator';
import { addPasskey, type Options, type Owner, passkeyFlows } from './int-helpers';

const context = useAuthTestApp();
let app: AuthTestApp['app'], sql: AuthTestApp['sql'], flows: AuthTestApp['flows'];
let passkeyOwner: ReturnType<typeof passkeyFlows>['passkeyOwner'];
let signInAttempt: ReturnType<typeof passkeyFlows>['signInAttempt'];
beforeAll(() => {
  ({ app, sql, flows } = context);
  ({ passkeyOwner, signInAttempt } = passkeyFlows(app.origin, flows));
});

const REFUSED = 'That passkey could not be used. Try again, or sign in another way.';

const auditCount = (event: string, userId: string) =>
  sql<{ n: number }[]>`select count(*)::int as n from audit_events where event = ${event} and user_id = ${userId}`
    .then((rows) => rows[0]?.n ?? 0);
const me = async (client: TestClient) => (await client.query<{ email: string } | null>('auth.me')).data ?? null;

async function signInWith(authenticator: SoftwareAuthenticator, twist: Twist = {}) {
  const { browser, options } = await signInAttempt();
  const reply = await browser.mutation('passkeys.signIn', { response: authenticator.assert(options, twist) });
  return { browser, reply };
}

describe('registration', () => {
  it('needs a recent step-up, stores a random user handle and mails the owner', async () => {
    const owner = await passkeyOwner();
    const [user] = await sql<{ handle: string }[]>`select passkey_user_handle as handle from users where id = ${owner.userId}`;
    expect(user?.handle).toMatch(/^[\w-]{43}$/);
    expect(user?.handle).not.toContain(owner.email);
    expect(await flows.waitForMail(owner.email, 'passkey_added')).toMatch(/Laptop/);
    await sql`update sessions set reauthenticated_at = now() - interval '11 minutes' where user_id = ${owner.userId}`;
    const stale = await owner.client.mutation('passkeys.registrationOptions');
    expect(stale.status).toBe(403);
  });

  it('refuses a credential id another user registered, and a response for another origin', async () => {
    const first = await passkeyOwner();
    const email = await flows.signUpAndActivate();
    const client = await flows.signedIn(email);
    expect((await addPasskey(client, first.authenticator)).status).toBe(422);
    const foreign = await addPasskey(client, new SoftwareAuthenticator(app.origin), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(400);
    const [rows] = await sql<{ n: number }[]>`select count(*)::int as n from passkeys where user_id = ${await flows.userIdOf(email)}`;
    expect(rows?.n).toBe(0);
  });
});

describe('passwordless sign-in (attack tests)', () => {
  let owner: Owner;
  beforeAll(async () => {
    owner = await passkeyOwner();
  });

  it('signs in with a full session, recorded like a password sign-in', async () => {
    const { browser, reply } = await signInWith(owner.authenticator);
    expect(reply.status, reply.text).toBe(200);
    expect((await me(browser))?.email).toBe(owner.email);
    const [audit] = await sql<{ details: { method: string } }[]>`
      select details from audit_events where event = 'login_success' and user_id = ${owner.userId}
      order by created_at desc limit 1`;
    expect(audit?.details.method).toBe('passkey');
    const [key] = await sql<{ used: Date | null }[]>`select last_used_at as used from passkeys where user_id = ${owner.userId}`;
    expect(key?.used).not.toBeNull();
  });

  it('refuses a wrong origin, a wrong RP ID, a tampered signature and a missing user verification alike', async () => {
    const twists: Twist[] = [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { tamper: true }, { userVerified: false }];
    for (const twist of twists) {
      const { browser, reply } = await signInWith(owner.authenticator, twist);
      expect(reply.status).toBe(401);
      expect(reply.error?.message).toBe(REFUSED);
      expect(await me(browser)).toBeNull();
    }
  });

  it('refuses a replayed, an expired and another browser\'s challenge alike', async () => {
    const { browser, options } = await signInAttempt();
    const response = owner.authenticator.assert(options);
    expect((await browser.mutation('passkeys.signIn', { response })).status).toBe(200);
    const replay = await (await new TestClient(app.origin).start()).mutation('passkeys.signIn', { response });
    expect(replay.error?.message).toBe(REFUSED);
    const again = await browser.mutation('passkeys.signIn', { response: owner.authenticator.assert(options) });
    expect(again.error?.message).toBe(REFUSED);

    const expiring = await signInAttempt();
    await sql`update passkey_challenges set expires_at = now() - interval '1 second' where challenge = ${expiring.options.challenge}`;
    const expired = await expiring.browser.mutation('passkeys.signIn', { response: owner.authenticator.assert(expiring.options) });
    expect(expired.error?.message).toBe(REFUSED);

    const asked = await signInAttempt();
    const stranger = await new TestClient(app.origin).start();
    await stranger.mutation('passkeys.signInOptions');
    const stolen = await stranger.mutation('passkeys.signIn', { response: owner.authenticator.assert(asked.options) });
    expect(stolen.error?.message).toBe(REFUSED);
  });

  it('refuses another user\'s credential presented under this user\'s handle', async () => {
    const other = await passkeyOwner();
    const { browser, options } = await signInAttempt();
    const response = other.authenticator.assert(options);
    response.response.userHandle = owner.authenticator.userHandle;
    const reply = await browser.mutation('passkeys.signIn', { response });
    expect(reply.error?.message).toBe(REFUSED);
  });

  it('refuses and audits a counter that went back, as a cloned authenticator sends', async () => {
    const cloned = await passkeyOwner();
    expect((await signInWith(cloned.authenticator)).reply.status).toBe(200);
    expect((await signInWith(cloned.authenticator)).reply.status).toBe(200);
    const rollback = await signInWith(cloned.authenticator, { counter: 1 });
    expect(rollback.reply.error?.message).toBe(REFUSED);
    expect(await auditCount('passkey_counter_rollback', cloned.userId)).toBe(1);
  });

  it('accepts counters of 0 from a passkey that does not count (synced), every time', async () => {
    const synced = await passkeyOwner(new SoftwareAuthenticator(app.origin, undefined, false));
    expect((await signInWith(synced.authenticator)).reply.status).toBe(200);
    expect((await signInWith(synced.authenticator)).reply.status).toBe(200);
  });

  it('20 parallel replays of one assertion sign in exactly once', async () => {
    const { browser, options } = await signInAttempt();
    const response = owner.authenticator.assert(options);
    const replies = await Promise.all(Array.from({ length: 20 }, () => browser.mutation('passkeys.signIn', { response })));
    expect(countOf(statuses(replies), 200)).toBe(1);
    expect(countOf(statuses(replies), 401)).toBe(19);
  });

  it('reserves sign-in attempts per IP before verifying: past 30, even a valid passkey waits', async () => {
    const ip = '198.51.100.77';
    const attempts = Array.from({ length: 31 }, async () => {
      const browser = await new TestClient(app.origin, ip).start();
      const options = await browser.mutation<Options>('passkeys.signInOptions');
      return browser.mutation('passkeys.signIn', { response: owner.authenticator.assert(options.data as Options, { tamper: true }) });
    });
    const codes = statuses(await Promise.all(attempts));
    expect(countOf(codes, 401)).toBe(30);
    expect(countOf(codes, 429)).toBe(1);
    const browser = await new TestClient(app.origin, ip).start();
    const options = await browser.mutation<Options>('passkeys.signInOptions');
    const valid = await browser.mutation('passkeys.signIn', { response: owner.authenticator.assert(options.data as Options) });
    expect(valid.status).toBe(429);
  });
});

describe('passkey as the second factor', () => {
  it('answers the code step of a two-factor account; another user\'s passkey does not', async () => {
    const tf = twoFactorFlows(app.origin, flows);
    const user = await tf.enrolledUser();
    const authenticator = new SoftwareAuthenticator(app.origin);
    expect((await addPasskey(user.client, authenticator)).status).toBe(200);
    const stranger = await passkeyOwner();

    const pending = await tf.pendingClient(user.email);
    const foreignOptions = await pending.mutation<Options>('passkeys.secondFactorOptions');
    const foreign = await pending.mutation('passkeys.verifySecondFactor', {
      response: stranger.authenticator.assert(foreignOptions.data as Options),
    });
    expect(foreign.error?.message).toBe(REFUSED);
    expect(await me(pending)).toBeNull();

    const options = await pending.mutation<Options>('passkeys.secondFactorOptions');
    const reply = await pending.mutation('passkeys.verifySecondFactor', { response: authenticator.assert(options.data as Options) });
    expect(reply.status, reply.text).toBe(200);
    expect((await me(pending))?.email).toBe(user.email);
  });

  it('a passkey sign-in of a two-factor account needs no code step', async () => {
    const tf = twoFactorFlows(app.origin, flows);
    const user = await tf.enrolledUser();
    const authenticator = new SoftwareAuthenticator(app.origin);
    expect((await addPasskey(user.client, authenticator)).status).toBe(200);
    const { browser, reply } = await signInWith(authenticator);
    expect(reply.status).toBe(200);
    expect((await me(browser))?.email).toBe(user.email);
  });
});

describe('managing passkeys', () => {
  it('lists, renames and deletes only the owner\'s passkeys; deleting needs step-up and mails the owner', async () => {
    const owner = await passkeyOwner();
    const other = await passkeyOwner();
    const listed = await owner.client.query<{ id: string; name: string; backedUp: boolean }[]>('passkeys.list');
    const [key] = listed.data ?? [];
    expect(key).toMatchObject({ name: 'Laptop', backedUp: true });
    const id = key?.id ?? '';
    expect((await other.client.mutation('passkeys.rename', { id, name: 'Mine now' })).status).toBe(404);
    expect((await other.client.mutation('passkeys.delete', { id })).status).toBe(404);
    expect((await owner.client.mutation('passkeys.rename', { id, name: 'Work laptop' })).status).toBe(200);
    await sql`update sessions set reauthenticated_at = now() - interval '11 minutes' where user_id = ${owner.userId}`;
    expect((await owner.client.mutation('passkeys.delete', { id })).status).toBe(403);
    await sql`update sessions set reauthenticated_at = now() where user_id = ${owner.userId}`;
    expect((await owner.client.mutation('passkeys.delete', { id })).status).toBe(200);
    expect(await flows.waitForMail(owner.email, 'passkey_removed')).toMatch(/Work laptop/);
    expect((await signInWith(owner.authenticator)).reply.error?.message).toBe(REFUSED);
  });
});
