// Deletion, data export, new-device alerts and self-service unlock, attacked over real HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, DEVICE_COOKIE, PASSWORD, useAuthTestApp } from '@/server/auth/int-helpers';
import { uploadedFileExtra } from '@/server/files/int-helpers';
import { webhookExtra } from '@/server/webhooks/int-helpers';
import type { AccountExtra } from '@/test/account-extras';
import { TestClient } from '@/test/client';
import { latestMail, tokenFrom } from '@/test/db';

const uploadDir = mkdtempSync(join(tmpdir(), 'bastion-lifecycle-'));
const context = useAuthTestApp({ UPLOAD_DIR: uploadDir });
let app: AuthTestApp['app'], sql: AuthTestApp['sql'], flows: AuthTestApp['flows'];
beforeAll(() => ({ app, sql, flows } = context));
afterAll(() => rmSync(uploadDir, { recursive: true, force: true }));

const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const count = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
const mailCount = (to: string, kind: string) =>
  count(sql<{ n: number }[]>`select count(*)::int as n from mail_outbox where "to" = ${to} and kind = ${kind}`);
const rowsOf = (table: string, column: string, id: string) =>
  count(sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} where ${sql(column)} = ${id}`);

/** What the optional modules keep per account, one per line: a scaffold without the module drops its line. */
const EXTRAS: AccountExtra[] = [
  uploadedFileExtra(uploadDir),
  webhookExtra,
];

/** An account with two sessions and a row of each optional module, signed in on the returned client. */
async function busyAccount() {
  const email = await flows.signUpAndActivate();
  await flows.signedIn(email);
  const owner = await flows.signedIn(email);
  const userId = await flows.userIdOf(email);
  const hidden: string[] = [];
  for (const extra of EXTRAS) hidden.push(...(await extra.add({ origin: app.origin, sql, owner, userId })));
  return { email, owner, userId, hidden };
}

/** Signup for an address that had an account: the new activation mail, not the used one. */
async function signUpAgain(email: string): Promise<void> {
  const before = await mailCount(email, 'activation');
  const client = await new TestClient(app.origin).start('/signup');
  expect((await client.mutation('auth.signup', { email })).status).toBe(200);
  await expect.poll(() => mailCount(email, 'activation'), { timeout: 10_000 }).toBe(before + 1);
  const token = tokenFrom((await latestMail(sql, email, 'activation'))?.text);
  expect((await client.mutation('auth.activate', { token, password: PASSWORD })).status).toBe(200);
}

describe('account deletion', () => {
  it('needs the current password and the address typed out', async () => {
    const { email, owner } = await busyAccount();
    const wrongPassword = await owner.mutation('lifecycle.deleteAccount', { confirmEmail: email, currentPassword: 'nope nope' });
    expect(wrongPassword.status).toBe(403);
    const wrongEmail = await owner.mutation('lifecycle.deleteAccount', { confirmEmail: 'x@example.test', currentPassword: PASSWORD });
    expect(wrongEmail.status).toBe(422);
    expect(await flows.userIdOf(email)).not.toBe('');
  });

  it('leaves no row and no file behind, keeps the audit trail anonymised, and the address can sign up again', async () => {
    const { email, owner, userId, hidden } = await busyAccount();
    const trail = await sql<{ id: string }[]>`select id from audit_events where user_id = ${userId}`;
    for (const { table } of EXTRAS) expect(await rowsOf(table, 'owner_id', userId)).toBe(1);
    const keptOutside = EXTRAS.flatMap((extra) => extra.keepsOutsideDatabase ?? []);
    for (const keeps of keptOutside) expect(keeps(hidden)).toBe(true);
    const reply = await owner.mutation('lifecycle.deleteAccount', { confirmEmail: email, currentPassword: PASSWORD });
    expect(reply.status, reply.text).toBe(200);
    for (const table of ['sessions', 'auth_tokens', 'known_devices']) expect(await rowsOf(table, 'user_id', userId)).toBe(0);
    for (const { table } of EXTRAS) expect(await rowsOf(table, 'owner_id', userId)).toBe(0);
    expect(await rowsOf('users', 'id', userId)).toBe(0);
    for (const keeps of keptOutside) expect(keeps(hidden)).toBe(false);
    const kept = await sql<{ user_id: string | null }[]>`select user_id from audit_events where id in ${sql(trail.map((row) => row.id))}`;
    expect(kept).toHaveLength(trail.length);
    expect(kept.every((row) => row.user_id === null)).toBe(true);
    const deleted = await count(sql<{ n: number }[]>`
      select count(*)::int as n from audit_events where event = 'account_deleted' and ip = ${owner.ip} and user_id is null`);
    expect(deleted).toBe(1);
    expect(await mailCount(email, 'account_deleted')).toBe(1);
    expect((await owner.query('account.sessions')).status).toBe(401);
    await signUpAgain(email);
    await flows.signedIn(email);
  });
});

describe('data export', () => {
  it('holds the account\'s data and no hash, token or secret, and is audited', async () => {
    const { email, owner, userId, hidden } = await busyAccount();
    const response = await owner.request('/api/account/export');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
    const text = await response.text();
    const data = JSON.parse(text) as { account: { email: string }; sessions: unknown[] } & Record<string, unknown[]>;
    expect(data.account.email).toBe(email);
    expect(data.sessions).toHaveLength(2);
    for (const { table } of EXTRAS) expect(data[table]).toHaveLength(1);
    const [user] = await sql<{ password_hash: string }[]>`select password_hash from users where id = ${userId}`;
    const sessionHashes = await sql<{ token_hash: string }[]>`select token_hash from sessions where user_id = ${userId}`;
    const secrets = [user?.password_hash, ...sessionHashes.map((row) => row.token_hash), ...hidden];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"[^"]*(hash|secret|token|password|stored)[^"]*":/i);
    const audited = await count(sql<{ n: number }[]>`
      select count(*)::int as n from audit_events where user_id = ${userId} and event = 'data_export'`);
    expect(audited).toBe(1);
  });

  it('is refused to strangers and throttled per account', async () => {
    expect((await new TestClient(app.origin).request('/api/account/export')).status).toBe(401);
    const owner = await flows.signedIn(await flows.signUpAndActivate());
    const statuses: number[] = [];
    for (let download = 0; download < 6; download += 1) statuses.push((await owner.request('/api/account/export')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('new-device alerts', () => {
  it('mail the owner once per new browser, with where it signed in from, never for the first one', async () => {
    const email = await flows.signUpAndActivate();
    const first = await flows.signedIn(email);
    await flows.signedIn(email, PASSWORD, first);
    expect(await mailCount(email, 'new_device')).toBe(0);
    const other = await flows.signedIn(email, PASSWORD, new TestClient(app.origin, undefined, CHROME_UA));
    expect(await mailCount(email, 'new_device')).toBe(1);
    const text = (await latestMail(sql, email, 'new_device'))?.text ?? '';
    expect(text).toContain(other.ip);
    expect(text).toContain('Chrome 131 on Linux');
    expect(text).toContain(`${app.origin}/account`);
    await other.mutation('auth.logout');
    await flows.signedIn(email, PASSWORD, other);
    expect(await mailCount(email, 'new_device')).toBe(1);
  });
});

describe('self-service unlock', () => {
  async function lockedAccount() {
    const email = await flows.signUpAndActivate();
    await flows.burnAccountBudget(email);
    const token = tokenFrom(await flows.waitForMail(email, 'account_unlock'));
    return { email, token };
  }

  const unlock = async (token: string, client?: TestClient) => {
    const browser = client ?? await new TestClient(app.origin).start('/unlock');
    return { browser, reply: await browser.mutation('lifecycle.unlock', { token }) };
  };

  it('mails the owner once per lockout a link that lets their browser sign in while everyone else is locked out', async () => {
    const { email, token } = await lockedAccount();
    await flows.burnAccountBudget(email);
    expect(await mailCount(email, 'account_unlock')).toBe(1);
    const stranger = await new TestClient(app.origin).start();
    expect((await stranger.mutation('auth.login', { email, password: PASSWORD })).status).toBe(429);
    const { browser, reply } = await unlock(token);
    expect(reply.status, reply.text).toBe(200);
    expect(browser.cookies.has(DEVICE_COOKIE)).toBe(true);
    const signIn = await browser.mutation('auth.login', { email, password: PASSWORD });
    expect(signIn.status, signIn.text).toBe(200);
  });

  it('works once, of twenty parallel uses', async () => {
    const { token } = await lockedAccount();
    const replies = await Promise.all(Array.from({ length: 20 }, async () => (await unlock(token)).reply));
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
  });

  it('works only for the locked account', async () => {
    const { token } = await lockedAccount();
    const other = await lockedAccount();
    const { browser, reply } = await unlock(token);
    expect(reply.status).toBe(200);
    expect((await browser.mutation('auth.login', { email: other.email, password: PASSWORD })).status).toBe(429);
  });

  it('works only while the lock lasts', async () => {
    const email = await flows.signUpAndActivate();
    const owner = await flows.signedIn(email);
    await owner.mutation('auth.logout');
    await flows.burnAccountBudget(email);
    const token = tokenFrom(await flows.waitForMail(email, 'account_unlock'));
    // The owner's own browser signs in on its own budget, which lifts the account's lock.
    expect((await owner.mutation('auth.login', { email, password: PASSWORD })).status).toBe(200);
    expect((await unlock(token)).reply.status).toBe(400);
  });
});
