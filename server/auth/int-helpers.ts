// Sign-up, sign-in and mail steps that the auth integration tests share, over real HTTP.
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { type RunningApp, startApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { latestMail, testSql, tokenFrom, type TestSql, uniqueEmail } from '@/test/db';

export const PASSWORD = 'correct horse battery staple';
export const DEVICE_COOKIE = '__Host-bastion_device';

const MAIL_POLLS = 200;

/** `client` makes each new visitor (several instances behind a load balancer give their own). */
export function authFlows(app: Pick<RunningApp, 'origin'> & { client?: () => TestClient }, sql: TestSql) {
  const visitor = () => app.client?.() ?? new TestClient(app.origin);

  /** Mail is written after the answer (signup, reset requests): look again until it is there. */
  async function waitForMail(email: string, kind: string): Promise<string> {
    for (let poll = 0; poll < MAIL_POLLS; poll += 1) {
      const mail = await latestMail(sql, email, kind);
      if (mail) return mail.text;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${kind} mail to ${email}`);
  }

  async function signUpAndActivate(email = uniqueEmail(), password = PASSWORD): Promise<string> {
    const client = await visitor().start('/signup');
    expect((await client.mutation('auth.signup', { email })).status).toBe(200);
    const token = tokenFrom(await waitForMail(email, 'activation'));
    const reply = await client.mutation('auth.activate', { token, password });
    expect(reply.status, reply.text).toBe(200);
    return email;
  }

  async function signedIn(email: string, password = PASSWORD, client = visitor()) {
    await client.start();
    const reply = await client.mutation('auth.login', { email, password });
    expect(reply.status, reply.text).toBe(200);
    return client;
  }

  /** A fresh reset token for the address, as its owner would get it by mail. */
  async function resetToken(email: string): Promise<string> {
    const requester = await visitor().start('/forgot-password');
    const before = await latestMail(sql, email, 'password_reset');
    expect((await requester.mutation('auth.requestPasswordReset', { email })).status).toBe(200);
    for (let poll = 0; poll < MAIL_POLLS; poll += 1) {
      const text = await waitForMail(email, 'password_reset');
      if (text !== before?.text) return tokenFrom(text);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no new reset mail to ${email}`);
  }

  /** Wrong guesses from strangers (a new IP every 4) until the account's sign-in budget is spent. */
  async function burnAccountBudget(email: string, origin = app.origin): Promise<void> {
    for (let round = 0; round < 3; round += 1) {
      const attacker = await new TestClient(origin).start();
      const guess = () => attacker.mutation('auth.login', { email, password: 'attacker guess 123' });
      await Promise.all(Array.from({ length: 4 }, guess));
    }
  }

  const userIdOf = async (email: string) => {
    const [row] = await sql<{ id: string }[]>`select id from users where email = ${email}`;
    return row?.id ?? '';
  };

  return { waitForMail, signUpAndActivate, signedIn, resetToken, burnAccountBudget, userIdOf };
}

type Env = Record<string, string | undefined>;
export type AuthTestApp = {
  app: RunningApp;
  sql: TestSql;
  flows: ReturnType<typeof authFlows>;
  start(env?: Env): Promise<RunningApp>;
};

/** Starts the built app on the test database and Redis for one test file, and stops it after. */
export function useAuthTestApp(env: Env = {}): AuthTestApp {
  const databaseUrl = inject('databaseUrl');
  const redisUrl = inject('redisUrl');
  const start = (env: Env = {}) => startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, ...env });
  const context = { start } as AuthTestApp;
  beforeAll(async () => {
    context.sql = testSql(databaseUrl);
    context.app = await start(env);
    context.flows = authFlows(context.app, context.sql);
  });
  afterAll(async () => {
    await context.app?.stop();
    await context.sql?.end();
  });
  return context;
}
