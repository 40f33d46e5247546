// The second factor attacked over real HTTP against the built app: parallel guesses and replays,
// parallel recovery-code use, pending sessions that try to do more, stale step-up, password
// resets, and what a database dump holds.
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, PASSWORD, useAuthTestApp } from '@/server/auth/int-helpers';
import { parseEncryptionKey, SecretBox } from '@/server/security/encryption';
import { SESSION_COOKIE, TestClient } from '@/test/client';
import { testSecretBox } from '@/test/db';
import { TotpClock } from '@/test/totp-clock';
import { countOf, type Enrolled, statuses, twoFactorFlows } from './int-helpers';

const context = useAuthTestApp();
let app: AuthTestApp['app'], sql: AuthTestApp['sql'], flows: AuthTestApp['flows'];
let tf: ReturnType<typeof twoFactorFlows>;
beforeAll(() => {
  ({ app, sql, flows } = context);
  tf = twoFactorFlows(app.origin, flows);
});

const auditCount = (event: string, userId: string) =>
  sql<{ n: number }[]>`select count(*)::int as n from audit_events where event = ${event} and user_id = ${userId}`.then((rows) => rows[0]?.n ?? 0);
const me = async (client: TestClient) => (await client.query<{ email: string } | null>('auth.me')).data ?? null;
const verify = (client: TestClient, code: string, trustBrowser = false) => client.mutation('twoFactor.verify', { code, trustBrowser });
const expireStepUp = (userId: string) => sql`update sessions set reauthenticated_at = now() - interval '11 minutes' where user_id = ${userId}`;

describe('enrolment', () => {
  it('turns on only after a valid code, then signs out other sessions, mails the owner and asks for a code at sign-in', async () => {
    const email = await flows.signUpAndActivate();
    const client = await flows.signedIn(email);
    const other = await flows.signedIn(email);
    const begun = await client.mutation<{ key: string; qrSvg: string }>('twoFactor.beginEnrolment');
    expect(begun.data?.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const clock = new TotpClock(begun.data?.key ?? '');
    const wrong = await client.mutation('twoFactor.confirmEnrolment', { code: clock.wrongCode(123456) });
    expect(wrong.status).toBe(401);
    expect((await client.query<{ enabled: boolean }>('twoFactor.status')).data?.enabled).toBe(false);
    expect(await me(other)).not.toBeNull();
    const confirmed = await client.mutation<{ recoveryCodes: string[] }>('twoFactor.confirmEnrolment', { code: await clock.nextCode() });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.data?.recoveryCodes).toHaveLength(10);
    expect(await me(other)).toBeNull();
    expect(await me(client)).not.toBeNull();
    expect(await flows.waitForMail(email, 'two_factor_enabled')).toMatch(/turned on/);
    const status = await client.query<{ enabled: boolean; recoveryCodesLeft: number }>('twoFactor.status');
    expect(status.data).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    await tf.pendingClient(email);
  });
});

describe('the code step (attack tests)', () => {
  let user: Enrolled;
  beforeAll(async () => {
    user = await tf.enrolledUser();
  });

  it('50 parallel guesses on one pending session verify at most 5 codes; a new pending session buys only the account budget', async () => {
    const pending = await tf.pendingClient(user.email);
    const wrongCodes = Array.from({ length: 50 }, (_, i) => user.clock.wrongCode(i * 7919));
    const guesses = await Promise.all(wrongCodes.map((code) => verify(pending, code)));
    const codes = statuses(guesses);
    expect(countOf(codes, 401)).toBe(5);
    expect(countOf(codes, 429)).toBe(45);
    expect(await auditCount('two_factor_failure', user.userId)).toBe(5);
    // Starting over: the account budget (10 per 15 minutes) is shared by every pending session.
    let verified = 5;
    for (let round = 0; round < 3; round += 1) {
      const fresh = await tf.pendingClient(user.email);
      const wrongCodes = Array.from({ length: 5 }, (_, i) => user.clock.wrongCode(round * 100 + i));
      const replies = await Promise.all(wrongCodes.map((code) => verify(fresh, code)));
      verified += countOf(statuses(replies), 401);
    }
    expect(verified).toBe(10);
    expect(await auditCount('two_factor_failure', user.userId)).toBe(10);
    expect(await auditCount('two_factor_locked', user.userId)).toBeGreaterThan(0);
    // Locked: even the right code waits (progressive lockout), and says for how long.
    const locked = await verify(await tf.pendingClient(user.email), await user.clock.nextCode());
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
  });
});

describe('the replay guard', () => {
  it('of one valid code sent in parallel from 8 pending sessions, exactly one signs in; the code is then refused on another instance', async () => {
    const user = await tf.enrolledUser();
    const pendings = [];
    for (let i = 0; i < 8; i += 1) pendings.push(await tf.pendingClient(user.email));
    const code = await user.clock.nextCode();
    const replies = await Promise.all(pendings.map((client) => verify(client, code)));
    expect(countOf(statuses(replies), 200)).toBe(1);
    expect(countOf(statuses(replies), 401)).toBe(7);
    expect(replies.find((reply) => reply.status === 401)?.error?.message).toMatch(/already used/);
    expect(await auditCount('two_factor_replay_refused', user.userId)).toBe(7);
    expect(await auditCount('second_factor_verified', user.userId)).toBe(1);

    // Another instance, after SESSION_SECRET was rotated: the step is still used; 2FA still works.
    const rotated = await context.start({
      SESSION_SECRET: 'Zq8vN3xK7pL2mR9tW4yB6cD1fG5hJ0sEuA7',
      SESSION_SECRETS_PREVIOUS: 'test-session-secret-0123456789-abcdefghijklmnop',
    });
    try {
      const elsewhere = await tf.pendingClient(user.email, new TestClient(rotated.origin));
      expect((await verify(elsewhere, code)).status).toBe(401);
      const next = await verify(elsewhere, await user.clock.nextCode());
      expect(next.status, next.text).toBe(200);
      expect(await me(elsewhere)).toMatchObject({ email: user.email });
    } finally {
      await rotated.stop();
    }
  }, 120_000);
});

describe('recovery codes', () => {
  it('of 20 parallel uses of one code, exactly one signs in; it is refused after, mailed about and counted', async () => {
    const user = await tf.enrolledUser();
    const pendings = [];
    for (let i = 0; i < 20; i += 1) pendings.push(await tf.pendingClient(user.email));
    const code = user.recoveryCodes[0] ?? '';
    const replies = await Promise.all(pendings.map((client) => verify(client, code.toUpperCase())));
    expect(countOf(statuses(replies), 200)).toBe(1);
    expect(countOf(statuses(replies), 401)).toBeGreaterThan(1); // the race was run: several checked the code
    expect(await auditCount('recovery_code_used', user.userId)).toBe(1);
    expect(await flows.waitForMail(user.email, 'recovery_code_used')).toMatch(/9 remain/);
    const [mails] = await sql<{ n: number }[]>`select count(*)::int as n from mail_outbox where "to" = ${user.email} and kind = 'recovery_code_used'`;
    expect(mails?.n).toBe(1);
    const signedIn = pendings[statuses(replies).indexOf(200)] ?? user.client;
    expect((await signedIn.query<{ recoveryCodesLeft: number }>('twoFactor.status')).data?.recoveryCodesLeft).toBe(9);
    const [row] = await sql<{ used: number }[]>`
      select count(*)::int as used from recovery_codes where user_id = ${user.userId} and used_at is not null`;
    expect(row?.used).toBe(1);
    // Refused from now on (or, if the race's refusals locked the account, refused by the lock).
    expect((await verify(await tf.pendingClient(user.email), code)).status).not.toBe(200);
  });

  it('regenerating them needs step-up and invalidates the old set', async () => {
    const user = await tf.enrolledUser();
    await expireStepUp(user.userId);
    expect((await user.client.mutation('twoFactor.regenerateRecoveryCodes')).status).toBe(403);
    const confirm = await user.client.mutation('twoFactor.confirmIdentity', { password: PASSWORD, code: await user.clock.nextCode() });
    expect(confirm.status, confirm.text).toBe(200);
    const fresh = await user.client.mutation<{ recoveryCodes: string[] }>('twoFactor.regenerateRecoveryCodes');
    expect(fresh.data?.recoveryCodes).toHaveLength(10);
    expect((await verify(await tf.pendingClient(user.email), user.recoveryCodes[1] ?? '')).status).toBe(401);
    expect((await verify(await tf.pendingClient(user.email), fresh.data?.recoveryCodes[0] ?? '')).status).toBe(200);
  });
});

describe('pending sessions', () => {
  it('are refused by every procedure that needs a signed-in user, and by pages and downloads', async () => {
    const user = await tf.enrolledUser();
    const pending = await tf.pendingClient(user.email);
    const { appRouter } = await import('@/server/api/root');
    // tRPC keeps every procedure under its dotted path here.
    const procedures = Object.entries(appRouter._def.procedures as Record<string, unknown>);
    const typeOf = (procedure: unknown) => (procedure as { _def?: { type?: string } })._def?.type;
    // Open by design: sign-in itself (password or passkey), the pending session's own second-factor
    // step, and the links mailed to an owner (their token is the credential).
    const open = new RegExp([
      String.raw`^(auth|system|dev)\.`,
      String.raw`^twoFactor\.verify$`,
      String.raw`^passkeys\.(signInOptions|signIn|secondFactorOptions|verifySecondFactor)$`,
      String.raw`^lifecycle\.(confirmEmailChange|undoEmailChange|unlock)$`,
    ].join('|'));
    const guarded = procedures.filter(([path]) => !open.test(path));
    expect(guarded.length).toBeGreaterThan(15);
    for (const [path, procedure] of guarded) {
      const reply = typeOf(procedure) === 'query' ? await pending.query(path) : await pending.mutation(path, {});
      expect(reply.status, path).toBe(401);
    }
    expect(await me(pending)).toBeNull();
    const page = await pending.request('/account');
    expect([303, 307, 308]).toContain(page.status);
    expect((await pending.request('/api/files/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('are replaced by a new session, never upgraded in place, and expire after 10 minutes', async () => {
    const user = await tf.enrolledUser();
    const pending = await tf.pendingClient(user.email);
    const pendingCookie = pending.cookies.get(SESSION_COOKIE) ?? '';
    const [row] = await sql<{ seconds: number }[]>`
      select extract(epoch from expires_at - created_at)::int as seconds from sessions
      where user_id = ${user.userId} and pending_second_factor order by created_at desc limit 1`;
    expect(row?.seconds).toBe(600);
    expect((await verify(pending, await user.clock.nextCode())).status).toBe(200);
    expect(pending.cookies.get(SESSION_COOKIE)).not.toBe(pendingCookie);
    expect(await me(pending)).toMatchObject({ email: user.email });
    const stolen = new TestClient(app.origin);
    stolen.cookies.set(SESSION_COOKIE, pendingCookie);
    await stolen.start();
    expect(await me(stolen)).toBeNull();
    expect((await verify(stolen, user.clock.wrongCode(1))).status).toBe(401);

    const late = await tf.pendingClient(user.email);
    await sql`update sessions set expires_at = now() - interval '1 second' where user_id = ${user.userId} and pending_second_factor`;
    expect((await verify(late, user.clock.wrongCode(2))).status).toBe(401);
  });
});

describe('password reset and trusted browsers', () => {
  it('a trusted browser skips the code for its user only; a reset ends the trust and still asks for the code', async () => {
    const user = await tf.enrolledUser();
    const browser = await tf.pendingClient(user.email);
    expect((await verify(browser, await user.clock.nextCode(), true)).status).toBe(200);
    expect((await browser.query<unknown[]>('twoFactor.trustedBrowsers')).data).toHaveLength(1);
    await browser.mutation('auth.logout');
    const again = await browser.mutation<{ pendingSecondFactor: boolean }>('auth.login', { email: user.email, password: PASSWORD });
    expect(again.data?.pendingSecondFactor).toBe(false);
    expect(await me(browser)).toMatchObject({ email: user.email });
    // Step-up still needs the code: skipping the code step did not prove the second factor.
    expect((await browser.mutation('twoFactor.beginEnrolment')).status).toBe(403);

    const someoneElse = await tf.enrolledUser();
    await browser.mutation('auth.logout');
    await tf.pendingClient(someoneElse.email, browser);

    const token = await flows.resetToken(user.email);
    const newPassword = 'a brand new passphrase for this';
    expect((await browser.mutation('auth.resetPassword', { token, password: newPassword })).status).toBe(200);
    const afterReset = await browser.mutation<{ pendingSecondFactor: boolean }>('auth.login', { email: user.email, password: newPassword });
    expect(afterReset.data?.pendingSecondFactor).toBe(true);
    expect(await me(browser)).toBeNull();
  });

  it('trusted browsers are revocable one by one, and another user\'s id answers 404', async () => {
    const user = await tf.enrolledUser();
    const browser = await tf.pendingClient(user.email);
    expect((await verify(browser, await user.clock.nextCode(), true)).status).toBe(200);
    const [trusted] = (await browser.query<{ id: string; current: boolean }[]>('twoFactor.trustedBrowsers')).data ?? [];
    expect(trusted?.current).toBe(true);
    const stranger = await tf.enrolledUser();
    expect((await stranger.client.mutation('twoFactor.revokeTrustedBrowser', { id: trusted?.id })).status).toBe(404);
    expect((await user.client.mutation('twoFactor.revokeTrustedBrowser', { id: trusted?.id })).status).toBe(200);
    await browser.mutation('auth.logout');
    await tf.pendingClient(user.email, browser);
    expect(await auditCount('trusted_browser_revoked', user.userId)).toBe(1);
  });
});

describe('step-up', () => {
  it('is required for sensitive actions, expires after 10 minutes, and asks for the code when two-factor is on', async () => {
    const email = await flows.signUpAndActivate();
    const client = await flows.signedIn(email);
    const userId = await flows.userIdOf(email);
    await expireStepUp(userId);
    const stale = await client.mutation('twoFactor.beginEnrolment');
    expect(stale.status).toBe(403);
    expect(stale.error?.message).toMatch(/Confirm it's you/);
    const change = await client.mutation('account.changePassword', { currentPassword: PASSWORD, newPassword: 'another fine passphrase' });
    expect(change.status).toBe(403);
    expect((await client.mutation('twoFactor.confirmIdentity', { password: 'not my password' })).status).toBe(403);
    expect((await client.mutation('twoFactor.confirmIdentity', { password: PASSWORD })).status).toBe(200);
    expect(await auditCount('step_up', userId)).toBe(1);
    expect((await client.mutation('twoFactor.beginEnrolment')).status).toBe(200);

    const user = await tf.enrolledUser();
    await expireStepUp(user.userId);
    expect((await user.client.mutation('twoFactor.confirmIdentity', { password: PASSWORD })).status).toBe(400);
    expect((await user.client.mutation('twoFactor.disable', { code: await user.clock.nextCode() })).status).toBe(403);
  });

  it('turning two-factor off needs step-up and a current code; it signs out other sessions, ends trusts and mails the owner', async () => {
    const user = await tf.enrolledUser();
    const trusted = await tf.pendingClient(user.email);
    expect((await verify(trusted, await user.clock.nextCode(), true)).status).toBe(200);
    const wrong = await user.client.mutation('twoFactor.disable', { code: user.clock.wrongCode(42) });
    expect(wrong.status).toBe(401);
    const off = await user.client.mutation('twoFactor.disable', { code: await user.clock.nextCode() });
    expect(off.status, off.text).toBe(200);
    expect(await me(trusted)).toBeNull();
    const [rows] = await sql<{ n: number }[]>`select count(*)::int as n from trusted_browsers where user_id = ${user.userId}`;
    expect(rows?.n).toBe(0);
    expect(await flows.waitForMail(user.email, 'two_factor_disabled')).toMatch(/turned off/);
    const signIn = await (await new TestClient(app.origin).start()).mutation<{ pendingSecondFactor: boolean }>('auth.login', {
      email: user.email,
      password: PASSWORD,
    });
    expect(signIn.data?.pendingSecondFactor).toBe(false);
  });
});

describe('secrets at rest', () => {
  it('a database dump yields no TOTP secret, recovery code or trusted-browser token, and neither do logs or audit rows', async () => {
    const user = await tf.enrolledUser();
    const browser = await tf.pendingClient(user.email);
    expect((await verify(browser, await user.clock.nextCode(), true)).status).toBe(200);
    const trustToken = browser.cookies.get('__Host-bastion_trusted') ?? '';
    expect(trustToken).not.toBe('');
    const key = Buffer.from(user.clock.secret);
    const secrets = [key.toString('hex'), key.toString('base64'), key.toString('base64url'), trustToken];
    const { encodeBase32NoPadding } = await import('@oslojs/encoding');
    secrets.push(encodeBase32NoPadding(user.clock.secret), ...user.recoveryCodes, ...user.recoveryCodes.map((code) => code.replaceAll('-', '')));
    const dump = JSON.stringify([
      await sql`select * from users where id = ${user.userId}`,
      await sql`select * from recovery_codes where user_id = ${user.userId}`,
      await sql`select * from trusted_browsers where user_id = ${user.userId}`,
      await sql`select * from audit_events where user_id = ${user.userId}`,
      await sql`select * from mail_outbox where "to" = ${user.email}`,
    ]);
    for (const secret of secrets) {
      expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(app.output().toLowerCase()).not.toContain(secret.toLowerCase());
    }
    const [row] = await sql<{ totp_secret: string }[]>`select totp_secret from users where id = ${user.userId}`;
    const sealed = row?.totp_secret ?? '';
    const otherKey = new SecretBox({ current: parseEncryptionKey(Buffer.alloc(32, 7).toString('base64url')) });
    expect(() => otherKey.decrypt(sealed, `users:${user.userId}:totp`)).toThrow();
    expect(() => testSecretBox.decrypt(sealed, 'users:someone-else:totp')).toThrow();
    expect(Buffer.from(testSecretBox.decrypt(sealed, `users:${user.userId}:totp`), 'base64')).toEqual(key);
  });
});
