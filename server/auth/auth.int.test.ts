import { createHash } from 'node:crypto';
import { unsealData } from 'iron-session';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@/server/security/password';
import { deriveKey } from '@/server/security/hkdf';
import { TEST_SESSION_SECRET } from '@/test/app';
import { SESSION_COOKIE, TestClient } from '@/test/client';
import { latestMail, tokenFrom, uniqueEmail } from '@/test/db';
import { type AuthTestApp, PASSWORD, useAuthTestApp } from './int-helpers';

const context = useAuthTestApp();
let app: AuthTestApp['app'], sql: AuthTestApp['sql'], flows: AuthTestApp['flows'];
beforeAll(() => ({ app, sql, flows } = context));

const signUpAndActivate = (email?: string, password?: string) => flows.signUpAndActivate(email, password);
const signedIn = (email: string, password?: string) => flows.signedIn(email, password);
const userIdOf = (email: string) => flows.userIdOf(email);
const auditCount = (event: string, userId: string) =>
  sql<{ n: number }[]>`select count(*)::int as n from audit_events where event = ${event} and user_id = ${userId}`.then((rows) => rows[0]?.n ?? 0);

describe('signup and activation (email first)', () => {
  it('answers the same for a new and an existing address, and mails each owner what fits', async () => {
    const email = await signUpAndActivate();
    const fresh = uniqueEmail('fresh');
    const client = await new TestClient(app.origin).start('/signup');
    const forNew = await client.mutation('auth.signup', { email: fresh });
    const forExisting = await client.mutation('auth.signup', { email: email.toUpperCase() });
    expect(forExisting.status).toBe(forNew.status);
    expect(forExisting.text).toBe(forNew.text);
    expect(await flows.waitForMail(fresh, 'activation')).toMatch(/\/activate\?token=/);
    expect(await flows.waitForMail(email, 'already_registered')).toMatch(/sign in at/);
  });

  it('cannot be used to flood an inbox: repeated signups for one address send at most 3 mails an hour, same answer', async () => {
    const email = await signUpAndActivate(); // the first mail (activation) counts too
    const replies = [];
    for (let i = 0; i < 5; i += 1) {
      const client = await new TestClient(app.origin).start('/signup'); // a new IP each time
      replies.push(await client.mutation('auth.signup', { email }));
    }
    expect(new Set(replies.map((reply) => `${reply.status} ${reply.text}`)).size).toBe(1);
    expect(replies[0]?.status).toBe(200);
    const userId = await userIdOf(email);
    for (let poll = 0; poll < 200 && (await auditCount('signup_existing_email', userId)) < 5; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await auditCount('signup_existing_email', userId)).toBe(5);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from mail_outbox where "to" = ${email}`;
    expect(row?.n).toBe(3);
  });

  it('stores only the hash of the activation token, with a 24 h lifetime, and uses it once', async () => {
    const email = uniqueEmail();
    const client = await new TestClient(app.origin).start('/signup');
    await client.mutation('auth.signup', { email });
    const token = tokenFrom(await flows.waitForMail(email, 'activation'));
    const rows = await sql<{ token_hash: string; hours: number }[]>`
      select token_hash, extract(epoch from expires_at - created_at) / 3600 as hours from auth_tokens where token_hash = ${createHash('sha256').update(token).digest('hex')}`;
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.hours)).toBeCloseTo(24, 1);
    expect((await sql`select 1 from auth_tokens where token_hash = ${token}`).length).toBe(0);
    expect((await client.mutation('auth.activate', { token, password: PASSWORD })).status).toBe(200);
    const again = await client.mutation('auth.activate', { token, password: 'a different passphrase' });
    expect(again.status).toBe(400);
    expect(again.error?.message).toMatch(/invalid, used or expired/);
    expect((await flows.signedIn(email)).cookies.has(SESSION_COOKIE)).toBe(true);
  });

  it('answers a sign-in to an unfinished signup like one to an unknown address, whatever the password', async () => {
    const pending = uniqueEmail('pending');
    const client = await new TestClient(app.origin).start('/signup');
    // An attacker signs up for someone else's address, passing a password the API no longer takes.
    await client.mutation('auth.signup', { email: pending, password: PASSWORD });
    await flows.waitForMail(pending, 'activation');
    const forPending = await client.mutation('auth.login', { email: pending, password: PASSWORD });
    const forUnknown = await client.mutation('auth.login', { email: uniqueEmail('nobody'), password: PASSWORD });
    expect(forPending.status).toBe(401);
    expect(forPending.text).toBe(forUnknown.text);
    expect(forPending.text).not.toMatch(/activat/i);
    expect(forPending.headers.getSetCookie().some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });

  it('never turns a stranger\'s signup into an account with the stranger\'s password', async () => {
    const victim = uniqueEmail('victim');
    const attacker = await new TestClient(app.origin).start('/signup');
    await attacker.mutation('auth.signup', { email: victim, password: 'the attacker chose this' });
    const token = tokenFrom(await flows.waitForMail(victim, 'activation'));
    const owner = await new TestClient(app.origin).start('/activate');
    expect((await owner.mutation('auth.activate', { token, password: 'the owner chose this one' })).status).toBe(200);
    const attempt = await attacker.mutation('auth.login', { email: victim, password: 'the attacker chose this' });
    expect(attempt.status).toBe(401);
    await flows.signedIn(victim, 'the owner chose this one');
  });

  it('an unactivated account holding a password (pre email first) neither signs in with it nor keeps it', async () => {
    const email = uniqueEmail('legacy');
    const strangersHash = await hashPassword('the attacker chose this');
    await sql`insert into users (email, password_hash) values (${email}, ${strangersHash})`;
    const attacker = await new TestClient(app.origin).start();
    expect((await attacker.mutation('auth.login', { email, password: 'the attacker chose this' })).status).toBe(401);
    await (await new TestClient(app.origin).start('/signup')).mutation('auth.signup', { email });
    const token = tokenFrom(await flows.waitForMail(email, 'activation'));
    const chosen = await attacker.mutation('auth.activate', { token, password: 'the owner chose this one' });
    expect(chosen.status).toBe(200);
    expect((await attacker.mutation('auth.login', { email, password: 'the attacker chose this' })).status).toBe(401);
    await flows.signedIn(email, 'the owner chose this one');
  });

  it('refuses weak or common passwords and the address itself (422, safe message); the link still works', async () => {
    const email = uniqueEmail('weakling');
    const client = await new TestClient(app.origin).start('/signup');
    await client.mutation('auth.signup', { email });
    const token = tokenFrom(await flows.waitForMail(email, 'activation'));
    const local = email.split('@')[0] ?? '';
    for (const password of ['short', 'password1234', 'qwertyuiop123', `${local} is my password`]) {
      const reply = await client.mutation('auth.activate', { token, password });
      expect(reply.status, password).toBe(422);
      expect(reply.error?.message).not.toMatch(/stack|Error:/);
    }
    expect((await client.mutation('auth.activate', { token, password: PASSWORD })).status).toBe(200);
  });
});

describe('login throttling (attack tests)', () => {
  it('50 parallel wrong-password guesses for one account from one IP verify at most 5 passwords; the rest are refused', async () => {
    const email = await signUpAndActivate();
    const userId = await userIdOf(email);
    const attacker = await new TestClient(app.origin).start();
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => attacker.mutation('auth.login', { email, password: `wrong guess number ${i}` })));
    const unauthorized = replies.filter((reply) => reply.status === 401).length;
    // Refused by the throttle (429) or, past the sign-ins the entry admits at once, by the entry (503):
    // neither verifies a password.
    const blocked = replies.filter((reply) => reply.status === 429).length;
    const shed = replies.filter((reply) => reply.status === 503 && reply.headers.get('x-shed-reason') === 'sign-ins').length;
    expect(unauthorized).toBeLessThanOrEqual(5);
    expect(unauthorized + blocked + shed).toBe(50);
    expect(await auditCount('login_failure', userId)).toBe(unauthorized);
    const again = await attacker.mutation('auth.login', { email, password: 'one more guess' });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(again.error?.data.retryAfterSeconds).toBe(Number(again.headers.get('retry-after')));
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events where event = 'login_blocked' and ip = ${attacker.ip}`;
    // Refusals leave a trace, counted per window (server/auth/refusals.int.test.ts).
    expect(row?.n).toBeGreaterThanOrEqual(1);
  });

  it('keeps the owner able to sign in from a browser they used before while the account budget is burnt elsewhere', async () => {
    const email = await signUpAndActivate();
    const owner = await signedIn(email);
    await owner.mutation('auth.logout');
    await flows.burnAccountBudget(email); // attackers from many IPs
    const stranger = await new TestClient(app.origin).start();
    expect((await stranger.mutation('auth.login', { email, password: PASSWORD })).status).toBe(429);
    const again = await owner.mutation('auth.login', { email, password: PASSWORD });
    expect(again.status, again.text).toBe(200);
  });

  it('a stolen device cookie replayed from many IPs gets one budget, not one per IP', async () => {
    const email = await signUpAndActivate();
    const owner = await signedIn(email);
    await owner.mutation('auth.logout');
    const deviceCookie = owner.cookies.get('__Host-bastion_device') ?? '';
    expect(deviceCookie).not.toBe('');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const thief = await new TestClient(app.origin).start(); // a fresh IP each time
      thief.cookies.set('__Host-bastion_device', deviceCookie);
      statuses.push((await thief.mutation('auth.login', { email, password: `thief guess number ${i}` })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('answers an unknown email and a wrong password byte for byte alike', async () => {
    const email = await signUpAndActivate();
    const client = await new TestClient(app.origin).start();
    const known = await client.mutation('auth.login', { email, password: 'wrong password here' });
    const unknown = await client.mutation('auth.login', { email: uniqueEmail('nobody'), password: 'wrong password here' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
    const names = (reply: typeof known) => [...reply.headers.keys()].filter((name) => !['date', 'set-cookie'].includes(name)).sort();
    expect(names(unknown)).toEqual(names(known));
  });
});

describe('sessions', () => {
  it('keeps only the SHA-256 of the session token, sealed under a derived key in a strict __Host- cookie', async () => {
    const email = await signUpAndActivate();
    const client = await new TestClient(app.origin).start();
    const reply = await client.mutation('auth.login', { email, password: PASSWORD });
    const cookie = reply.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const sealed = client.cookies.get(SESSION_COOKIE) ?? '';
    // Sealed with a key derived for sessions alone, never with the raw secret.
    const key = deriveKey(TEST_SESSION_SECRET, 'bastion:session-seal:v1');
    const sha = (value: string) => createHash('sha256').update(value).digest('hex');
    const idOf = (value: string) => String(Number.parseInt(sha(value).slice(0, 8), 16));
    const seal = decodeURIComponent(sealed);
    const raw = { [idOf(TEST_SESSION_SECRET)]: TEST_SESSION_SECRET };
    await expect(unsealData(seal, { password: raw })).resolves.toEqual({});
    const { t: token } = await unsealData<{ t: string }>(seal, { password: { [idOf(key)]: key } });
    expect(token).toHaveLength(43);
    expect((await sql`select 1 from sessions where token_hash = ${createHash('sha256').update(token).digest('hex')}`).length).toBe(1);
    expect((await sql`select 1 from sessions where token_hash = ${token}`).length).toBe(0);
  });

  it('issues a new token on every login (no fixation)', async () => {
    const email = await signUpAndActivate();
    const client = await signedIn(email);
    const first = client.cookies.get(SESSION_COOKIE);
    await client.mutation('auth.login', { email, password: PASSWORD });
    expect(client.cookies.get(SESSION_COOKIE)).not.toBe(first);
  });

  it('rejects a tampered cookie', async () => {
    const email = await signUpAndActivate();
    const client = await signedIn(email);
    const sealed = client.cookies.get(SESSION_COOKIE) ?? '';
    const flipped = sealed.slice(0, 40) + (sealed[40] === 'A' ? 'B' : 'A') + sealed.slice(41);
    const thief = new TestClient(app.origin);
    thief.cookies.set(SESSION_COOKIE, flipped);
    expect((await thief.query('auth.me')).data).toBeNull();
  });

  it('a stolen cookie stops working after logout', async () => {
    const email = await signUpAndActivate();
    const victim = await signedIn(email);
    const thief = new TestClient(app.origin);
    thief.cookies.set(SESSION_COOKIE, victim.cookies.get(SESSION_COOKIE) ?? '');
    expect((await thief.query<{ email: string }>('auth.me')).data?.email).toBe(email);
    await victim.mutation('auth.logout');
    expect((await thief.query('auth.me')).data).toBeNull();
  });

  it('a stolen cookie stops working when the owner revokes that session, at once', async () => {
    const email = await signUpAndActivate();
    const owner = await signedIn(email);
    const other = await signedIn(email);
    const sessions = await owner.query<{ id: string; current: boolean }[]>('account.sessions');
    const target = sessions.data?.find((session) => !session.current);
    expect(target).toBeDefined();
    expect((await owner.mutation('account.revokeSession', { id: target?.id })).status).toBe(200);
    expect((await other.query('auth.me')).data).toBeNull();
  });

  it('answers 404 for revoking someone else\'s session id, and leaves it alone', async () => {
    const alice = await signedIn(await signUpAndActivate());
    const bob = await signedIn(await signUpAndActivate());
    const bobSession = (await bob.query<{ id: string }[]>('account.sessions')).data?.[0]?.id;
    const reply = await alice.mutation('account.revokeSession', { id: bobSession });
    expect(reply.status).toBe(404);
    expect((await bob.query('auth.me')).data).not.toBeNull();
  });

  it('rejects sessions past their idle or absolute expiry', async () => {
    const email = await signUpAndActivate();
    const idle = await signedIn(email);
    const absolute = await signedIn(email);
    const userId = await userIdOf(email);
    const [idleRow, absoluteRow] = await sql<{ id: string }[]>`select id from sessions where user_id = ${userId} order by created_at`;
    await sql`update sessions set last_seen_at = now() - interval '2 days' where id = ${idleRow?.id ?? ''}`;
    await sql`update sessions set expires_at = now() - interval '1 second' where id = ${absoluteRow?.id ?? ''}`;
    expect((await idle.query('auth.me')).data).toBeNull();
    expect((await absolute.query('auth.me')).data).toBeNull();
    // …and the account page lists only the session that still works.
    const current = await signedIn(email);
    const listed = await current.query<{ id: string }[]>('account.sessions');
    expect(listed.data?.map((row) => row.id)).not.toContain(idleRow?.id);
    expect(listed.data?.map((row) => row.id)).not.toContain(absoluteRow?.id);
    expect(listed.data).toHaveLength(1);
  });
});

describe('password reset (attack tests)', () => {
  it('answers the same for known and unknown emails', async () => {
    const email = await signUpAndActivate();
    const client = await new TestClient(app.origin).start('/forgot-password');
    const known = await client.mutation('auth.requestPasswordReset', { email });
    const unknown = await client.mutation('auth.requestPasswordReset', { email: uniqueEmail('nobody') });
    expect(known.status).toBe(200);
    expect(unknown.text).toBe(known.text);
  });

  it('answers reset and signup requests before looking at the account: the same, while its row is locked', async () => {
    const email = await signUpAndActivate();
    const client = await new TestClient(app.origin).start('/forgot-password');
    const before = await latestMail(sql, email, 'password_reset');
    // While this transaction holds the row, any request that touched the account would wait for it.
    const answers = await sql.begin(async (tx) => {
      await tx`select id from users where email = ${email} for update`;
      return [
        await client.mutation('auth.requestPasswordReset', { email }),
        await client.mutation('auth.requestPasswordReset', { email: uniqueEmail('nobody') }),
        await client.mutation('auth.signup', { email }),
        await client.mutation('auth.signup', { email: uniqueEmail('newcomer') }),
      ];
    });
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    // Once the row is free, the work done after the answers delivers the mail.
    expect(await flows.resetToken(email)).not.toBe(before === undefined ? '' : tokenFrom(before.text));
    expect(await flows.waitForMail(email, 'already_registered')).toMatch(/already has one/);
  }, 30_000);

  it('applies the "not your email" rule to a new password chosen by reset', async () => {
    const email = await signUpAndActivate();
    const token = await flows.resetToken(email);
    const client = await new TestClient(app.origin).start('/reset-password');
    const local = email.split('@')[0] ?? '';
    const password = `${local.toUpperCase()} forever and ever`;
    const reply = await client.mutation('auth.resetPassword', { token, password });
    expect(reply.status).toBe(422);
    expect(reply.error?.message).toBe('Do not use your email address in your password.');
    const unrelated = await client.mutation('auth.resetPassword', { token, password: 'an unrelated passphrase' });
    expect(unrelated.status).toBe(200);
  });

  it('20 parallel uses of one reset token: exactly one succeeds', async () => {
    const email = await signUpAndActivate();
    const token = await flows.resetToken(email);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => new TestClient(app.origin).start('/reset-password').then((c) => c.mutation('auth.resetPassword', { token, password: `brand new passphrase ${i}` }))),
    );
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    // The new password is hashed before the token is spent: past the hashing gate, 503 instead of 400.
    expect(replies.filter((reply) => reply.status === 400 || reply.status === 503)).toHaveLength(19);
  });

  it('a sign-in racing a reset never outlives it: after both, no session of the old password survives (8 rounds)', async () => {
    for (let round = 0; round < 8; round += 1) {
      const email = await signUpAndActivate();
      const token = await flows.resetToken(email);
      const requester = await new TestClient(app.origin).start('/reset-password');
      const attacker = await new TestClient(app.origin).start('/login');
      // The attacker knows the old password and signs in at the moment the owner resets it.
      const [login] = await Promise.all([
        attacker.mutation('auth.login', { email, password: PASSWORD }),
        requester.mutation('auth.resetPassword', { token, password: `a fresh passphrase ${round}` }),
      ]);
      const sessions = await sql<{ n: number }[]>`select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = ${email}`;
      expect(sessions[0]?.n, `round ${round}: login answered ${login.status}`).toBe(0);
      expect((await attacker.query('auth.me')).data).toBeNull();
    }
  });

  it('a password change racing a reset never undoes it: a successful reset stands (8 rounds)', async () => {
    let resetsThatWon = 0;
    for (let round = 0; round < 8; round += 1) {
      const email = await signUpAndActivate();
      const attacker = await signedIn(email); // a stolen session, and the old password
      const token = await flows.resetToken(email);
      const owner = await new TestClient(app.origin).start('/reset-password');
      const fresh = `a fresh passphrase ${round}`;
      // Changes "to the same password" kept in flight while the owner resets.
      const sameAgain = { currentPassword: PASSWORD, newPassword: PASSWORD };
      const replies = await Promise.all([
        ...Array.from({ length: 3 }, () => attacker.mutation('account.changePassword', sameAgain)),
        owner.mutation('auth.resetPassword', { token, password: fresh }),
      ]);
      // A change that committed first withdrew the reset link (400): nothing to undo then.
      if (replies.at(-1)?.status !== 200) continue;
      resetsThatWon += 1;
      const stranger = await new TestClient(app.origin).start();
      expect((await stranger.mutation('auth.login', { email, password: PASSWORD })).status, `round ${round}`).toBe(401);
      expect((await stranger.mutation('auth.login', { email, password: fresh })).status, `round ${round}`).toBe(200);
      expect((await attacker.query('auth.me')).data).toBeNull();
    }
    expect(resetsThatWon).toBeGreaterThan(0);
  });

  it('a password change withdraws reset links mailed before it', async () => {
    const email = await signUpAndActivate();
    const token = await flows.resetToken(email);
    const requester = await new TestClient(app.origin).start('/reset-password');
    const owner = await signedIn(email);
    expect((await owner.mutation('account.changePassword', { currentPassword: PASSWORD, newPassword: 'the owner chose this one' })).status).toBe(200);
    expect((await requester.mutation('auth.resetPassword', { token, password: 'an attacker chose this one' })).status).toBe(400);
    expect((await (await new TestClient(app.origin).start()).mutation('auth.login', { email, password: 'the owner chose this one' })).status).toBe(200);
  });

  it('a new request invalidates the older link; the token lives one hour', async () => {
    const email = await signUpAndActivate();
    const client = await new TestClient(app.origin).start('/reset-password');
    const older = await flows.resetToken(email);
    const newer = await flows.resetToken(email);
    expect(newer).not.toBe(older);
    const [row] = await sql<{ minutes: number }[]>`select extract(epoch from expires_at - created_at) / 60 as minutes from auth_tokens where token_hash = ${createHash('sha256').update(newer).digest('hex')}`;
    expect(Number(row?.minutes)).toBeCloseTo(60, 0);
    expect((await client.mutation('auth.resetPassword', { token: older, password: 'another long passphrase' })).status).toBe(400);
    expect((await client.mutation('auth.resetPassword', { token: newer, password: 'another long passphrase' })).status).toBe(200);
  });

  it('changes the password, signs out every session (stolen cookies too), mails the owner, and does not sign in', async () => {
    const email = await signUpAndActivate();
    const victim = await signedIn(email);
    const thief = new TestClient(app.origin);
    thief.cookies.set(SESSION_COOKIE, victim.cookies.get(SESSION_COOKIE) ?? '');
    const token = await flows.resetToken(email);
    const requester = await new TestClient(app.origin).start('/reset-password');
    const reply = await requester.mutation('auth.resetPassword', { token, password: 'a completely new passphrase' });
    expect(reply.status).toBe(200);
    expect((await requester.query('auth.me')).data).toBeNull();
    expect((await victim.query('auth.me')).data).toBeNull();
    expect((await thief.query('auth.me')).data).toBeNull();
    expect((await latestMail(sql, email))?.kind).toBe('password_changed');
    expect((await (await new TestClient(app.origin).start()).mutation('auth.login', { email, password: PASSWORD })).status).toBe(401);
    expect((await (await new TestClient(app.origin).start()).mutation('auth.login', { email, password: 'a completely new passphrase' })).status).toBe(200);
  });

  it('throttles reset requests per address without touching sign-in', async () => {
    const email = await signUpAndActivate();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const client = await new TestClient(app.origin).start('/forgot-password');
      statuses.push((await client.mutation('auth.requestPasswordReset', { email })).status);
    }
    expect(statuses).toContain(429);
    expect((await (await new TestClient(app.origin).start()).mutation('auth.login', { email, password: PASSWORD })).status).toBe(200);
  });
});

describe('password change', () => {
  it('requires the current password, signs out the other sessions and mails the owner', async () => {
    const email = await signUpAndActivate();
    const here = await signedIn(email);
    const elsewhere = await signedIn(email);
    const wrong = await here.mutation('account.changePassword', { currentPassword: 'not my password', newPassword: 'new long passphrase ok' });
    expect(wrong.status).toBe(403);
    const ok = await here.mutation('account.changePassword', { currentPassword: PASSWORD, newPassword: 'new long passphrase ok' });
    expect(ok.status).toBe(200);
    expect((await here.query('auth.me')).data).not.toBeNull();
    expect((await elsewhere.query('auth.me')).data).toBeNull();
    expect((await latestMail(sql, email))?.kind).toBe('password_changed');
  });
});

describe('password change on the account budget (attack tests)', () => {
  it('wrong current passwords spend the account\'s sign-in budget and lockout, not one of their own', async () => {
    const email = await signUpAndActivate();
    const thief = await signedIn(email);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      const guess = { currentPassword: `guess number ${i} here`, newPassword: 'the thief wants this' };
      statuses.push((await thief.mutation('account.changePassword', guess)).status);
    }
    expect(statuses).toEqual([...Array.from({ length: 10 }, () => 403), 429]);
    // The same budget guards sign-in: a browser the owner never used is locked out too, and the lock grows.
    const stranger = await new TestClient(app.origin).start();
    const blocked = await stranger.mutation('auth.login', { email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
  });
});

describe('audit log', () => {
  it('records the flows with IP and user agent, and never a password or token', async () => {
    const email = await signUpAndActivate();
    const client = await signedIn(email);
    const userId = await userIdOf(email);
    const rows = await sql<{ event: string; ip: string; user_agent: string; details: unknown }[]>`
      select event, ip, user_agent, details from audit_events where user_id = ${userId} order by created_at`;
    expect(rows.map((row) => row.event)).toEqual(expect.arrayContaining(['signup', 'account_activated', 'login_success']));
    expect(rows.find((row) => row.event === 'login_success')?.ip).toBe(client.ip);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(client.cookies.get(SESSION_COOKIE));
  });

  it('records every UNAUTHORIZED outcome automatically', async () => {
    const client = await new TestClient(app.origin).start();
    await client.query('account.sessions');
    const rows = await sql`select 1 from audit_events where event = 'unauthenticated_access' and ip = ${client.ip}`;
    expect(rows.length).toBe(1);
  });
});
