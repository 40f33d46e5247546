// Email change over real HTTP: behind the current password, confirmed from the new inbox, undone
// from the old one, and never telling the requester whether another account holds an address.
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, PASSWORD, useAuthTestApp } from '@/server/auth/int-helpers';
import { TestClient } from '@/test/client';
import { latestMail, tokenFrom, uniqueEmail } from '@/test/db';

const context = useAuthTestApp();
let app: AuthTestApp['app'], sql: AuthTestApp['sql'], flows: AuthTestApp['flows'];
beforeAll(() => ({ app, sql, flows } = context));

const requestChange = (client: TestClient, newEmail: string, currentPassword = PASSWORD) =>
  client.mutation<{ message: string }>('lifecycle.requestEmailChange', { newEmail, currentPassword });

const mailCount = async (to: string, kind: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from mail_outbox where "to" = ${to} and kind = ${kind}`)[0]?.n;

const emailOf = async (userId: string) => (await sql<{ email: string }[]>`select email from users where id = ${userId}`)[0]?.email;

async function linkToken(to: string, kind: string): Promise<string> {
  return tokenFrom((await latestMail(sql, to, kind))?.text);
}

/** A signed-in owner whose address was changed to a new one through the confirmation link. */
async function changedAccount() {
  const oldEmail = await flows.signUpAndActivate();
  const owner = await flows.signedIn(oldEmail);
  const newEmail = uniqueEmail('moved');
  expect((await requestChange(owner, newEmail)).status).toBe(200);
  const visitor = await new TestClient(app.origin).start('/account/confirm-email');
  const confirmed = await visitor.mutation('lifecycle.confirmEmailChange', { token: await linkToken(newEmail, 'email_change_confirm') });
  expect(confirmed.status, confirmed.text).toBe(200);
  return { owner, oldEmail, newEmail, userId: await flows.userIdOf(newEmail) };
}

describe('requesting an email change', () => {
  it('answers a taken address exactly like a free one, and tells the holder instead of mailing a link', async () => {
    const holder = await flows.signUpAndActivate();
    const owner = await flows.signedIn(await flows.signUpAndActivate());
    const free = uniqueEmail('free');
    const toFree = await requestChange(owner, free);
    // Case and Unicode compatibility forms name the same inbox, as at signup.
    const toTaken = await requestChange(owner, holder.toUpperCase().replace('@', '\uFF20'));
    expect(toTaken.status).toBe(toFree.status);
    expect(toTaken.data).toEqual(toFree.data);
    expect(await mailCount(free, 'email_change_confirm')).toBe(1);
    expect(await mailCount(holder, 'email_change_confirm')).toBe(0);
    expect(await mailCount(holder, 'email_change_taken')).toBe(1);
  });

  it('changes nothing until the link is followed, and refuses a wrong current password', async () => {
    const email = await flows.signUpAndActivate();
    const owner = await flows.signedIn(email);
    const userId = await flows.userIdOf(email);
    const wrong = await requestChange(owner, uniqueEmail('wrong'), 'not my password at all');
    expect(wrong.status).toBe(403);
    expect(await requestChange(owner, uniqueEmail('pending'))).toMatchObject({ status: 200 });
    expect(await emailOf(userId)).toBe(email);
  });

  it('is throttled per target address, whoever asks', async () => {
    const target = uniqueEmail('target');
    const statuses: number[] = [];
    for (let asker = 0; asker < 4; asker += 1) {
      const client = await flows.signedIn(await flows.signUpAndActivate());
      statuses.push((await requestChange(client, target)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('following the links', () => {
  it('the confirmation link moves the account to the new address and mails the old one an undo link', async () => {
    const { oldEmail, newEmail, userId } = await changedAccount();
    expect(await emailOf(userId)).toBe(newEmail);
    expect(await mailCount(oldEmail, 'email_changed')).toBe(1);
    await flows.signedIn(newEmail);
  });

  it('the undo link restores the old address and revokes every session', async () => {
    const { owner, oldEmail, userId } = await changedAccount();
    expect((await owner.query('account.sessions')).status).toBe(200);
    const visitor = await new TestClient(app.origin).start('/account/undo-email');
    const undone = await visitor.mutation('lifecycle.undoEmailChange', { token: await linkToken(oldEmail, 'email_changed') });
    expect(undone.status, undone.text).toBe(200);
    expect(await emailOf(userId)).toBe(oldEmail);
    expect((await owner.query('account.sessions')).status).toBe(401);
    await flows.signedIn(oldEmail);
  });

  it('a second change cannot take away the first address\'s way back', async () => {
    const { owner, oldEmail, newEmail, userId } = await changedAccount();
    const third = uniqueEmail('third');
    expect((await requestChange(owner, third)).status).toBe(200);
    const visitor = await new TestClient(app.origin).start();
    await visitor.mutation('lifecycle.confirmEmailChange', { token: await linkToken(third, 'email_change_confirm') });
    await visitor.mutation('lifecycle.undoEmailChange', { token: await linkToken(newEmail, 'email_changed') });
    const first = await visitor.mutation('lifecycle.undoEmailChange', { token: await linkToken(oldEmail, 'email_changed') });
    expect(first.status, first.text).toBe(200);
    expect(await emailOf(userId)).toBe(oldEmail);
  });

  it.each([
    ['confirmation', 'email_change_confirm', 'lifecycle.confirmEmailChange'],
    ['undo', 'email_changed', 'lifecycle.undoEmailChange'],
  ])('twenty parallel uses of one %s link succeed exactly once', async (_name, kind, procedure) => {
    const oldEmail = await flows.signUpAndActivate();
    const owner = await flows.signedIn(oldEmail);
    const newEmail = uniqueEmail('parallel');
    await requestChange(owner, newEmail);
    if (kind === 'email_changed') {
      await owner.mutation('lifecycle.confirmEmailChange', { token: await linkToken(newEmail, 'email_change_confirm') });
    }
    const token = await linkToken(kind === 'email_changed' ? oldEmail : newEmail, kind);
    const clients = await Promise.all(Array.from({ length: 20 }, () => new TestClient(app.origin).start()));
    const replies = await Promise.all(clients.map((client) => client.mutation(procedure, { token })));
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    expect(replies.filter((reply) => reply.status === 400)).toHaveLength(19);
  });
});
