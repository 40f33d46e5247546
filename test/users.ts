// A fresh, activated, signed-in account for integration tests that need one.
import { expect } from 'vitest';
import { TestClient } from './client';
import { latestMail, type TestSql, tokenFrom, uniqueEmail } from './db';

export const TEST_PASSWORD = 'correct horse battery staple';

export async function signedInUser(sql: TestSql, origin: string, label = 'user'): Promise<TestClient> {
  const email = uniqueEmail(label);
  const client = await new TestClient(origin).start('/signup');
  await client.mutation('auth.signup', { email, password: TEST_PASSWORD });
  await client.mutation('auth.activate', { token: tokenFrom((await latestMail(sql, email, 'activation'))?.text) });
  expect((await client.mutation('auth.login', { email, password: TEST_PASSWORD })).status).toBe(200);
  return client;
}
