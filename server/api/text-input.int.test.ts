// Control characters in text inputs, sent over real HTTP to every procedure that takes text:
// each is refused at the schema with a 400 and a message safe to show, before any service
// (or Postgres, which refuses NUL) sees it, and nothing is written.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import type { TestClient } from '@/test/client';
import { authFlows } from '@/server/auth/int-helpers';
import { testSql, type TestSql, uniqueEmail } from '@/test/db';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');
const PASSWORD = 'correct horse battery staple';
const HOOK_PORT = 9;
const moduleEnv: Record<string, string> = {
  // NODE_ENV=test: the webhook URL below must pass the SSRF check, so that only the schema refuses it.
  SSRF_TEST_ALLOW_LOOPBACK_PORT: String(HOOK_PORT),
};

let app: RunningApp;
let sql: TestSql;
let client: TestClient;
let email = '';

beforeAll(async () => {
  sql = testSql(databaseUrl);
  app = await startApp({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, ...moduleEnv });
  const flows = authFlows(app, sql);
  email = await flows.signUpAndActivate(uniqueEmail('text-input'), PASSWORD);
  client = await flows.signedIn(email, PASSWORD);
});
afterAll(async () => {
  await app?.stop();
  await sql?.end();
});

const HOSTILE = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\uD800'];
const passwordWith = (hostile: string) => `correct horse${hostile}battery staple`;

const INPUTS: [procedure: string, input: (hostile: string) => Record<string, string>][] = [
  ['auth.signup', (hostile) => ({ email: `a${hostile}@example.test` })],
  ['auth.login', (hostile) => ({ email, password: passwordWith(hostile) })],
  ['auth.activate', (hostile) => ({ token: `${'a'.repeat(42)}${hostile}`, password: PASSWORD })],
  ['auth.activate', (hostile) => ({ token: 'a'.repeat(43), password: passwordWith(hostile) })],
  ['auth.requestPasswordReset', (hostile) => ({ email: `${hostile}${email}` })],
  ['auth.resetPassword', (hostile) => ({ token: `${'a'.repeat(42)}${hostile}`, password: PASSWORD })],
  ['auth.resetPassword', (hostile) => ({ token: 'a'.repeat(43), password: passwordWith(hostile) })],
  ['account.changePassword', (hostile) => ({ currentPassword: passwordWith(hostile), newPassword: `${PASSWORD}!` })],
  ['account.changePassword', (hostile) => ({ currentPassword: PASSWORD, newPassword: passwordWith(hostile) })],
  ['twoFactor.confirmIdentity', (hostile) => ({ password: passwordWith(hostile) })],
  ['twoFactor.confirmEnrolment', (hostile) => ({ code: `123${hostile}456` })],
  ['twoFactor.disable', (hostile) => ({ code: `abcd-efgh${hostile}-2345-67ab` })],
  ['files.delete', (hostile) => ({ id: `00000000-0000-0000-0000-00000000000${hostile}` })],
  ['webhooks.register', (hostile) => ({ url: `http://127.0.0.1:${HOOK_PORT}/hook${hostile}` })],
  ['lifecycle.requestEmailChange', (hostile) => ({ newEmail: `b${hostile}@example.test`, currentPassword: PASSWORD })],
  ['lifecycle.requestEmailChange', (hostile) => ({ newEmail: 'b@example.test', currentPassword: passwordWith(hostile) })],
  ['lifecycle.confirmEmailChange', (hostile) => ({ token: `${'a'.repeat(42)}${hostile}` })],
  ['lifecycle.undoEmailChange', (hostile) => ({ token: `${'a'.repeat(42)}${hostile}` })],
  ['lifecycle.unlock', (hostile) => ({ token: `${'a'.repeat(42)}${hostile}` })],
  ['lifecycle.deleteAccount', (hostile) => ({ confirmEmail: `${hostile}${email}`, currentPassword: PASSWORD })],
  ['lifecycle.deleteAccount', (hostile) => ({ confirmEmail: email, currentPassword: passwordWith(hostile) })],
  ['passkeys.rename', (hostile) => ({ id: '00000000-0000-4000-8000-000000000000', name: `Laptop${hostile}` })],
];

describe('control characters in text inputs', () => {
  it.each(INPUTS)('%s refuses them with 400 and a safe message', async (procedure, input) => {
    for (const hostile of HOSTILE) {
      const reply = await client.mutation(procedure, input(hostile));
      expect(reply.status, `${JSON.stringify(hostile)}: ${reply.text}`).toBe(400);
      expect(reply.error?.data.code).toBe('BAD_REQUEST');
      expect(reply.error?.message).toMatch(/^(Some fields are invalid\.|Enter a valid email address\.)$/);
      expect(reply.text).not.toMatch(/stack|postgres|invalid byte sequence|\bat \S+ \(/i);
    }
  });

  it('writes nothing for a refused webhook URL and still accepts a clean one', async () => {
    const owned = async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from webhooks w join users u on u.id = w.owner_id where u.email = ${email}`;
      return row?.n ?? 0;
    };
    const register = async (url: string) => (await client.mutation('webhooks.register', { url })).status;
    const before = await owned();
    expect(await register(`http://127.0.0.1:${HOOK_PORT}/a\u0000b`)).toBe(400);
    expect(await owned()).toBe(before);
    expect(await register(` http://127.0.0.1:${HOOK_PORT}/hook `)).toBe(200);
    expect(await owned()).toBe(before + 1);
  });
});
