// A fresh, activated, signed-in account for integration tests that need one.
import { authFlows, PASSWORD } from '@/server/auth/int-helpers';
import type { TestClient } from './client';
import { type TestSql, uniqueEmail } from './db';

export const TEST_PASSWORD = PASSWORD;

export async function signedInUser(sql: TestSql, origin: string, label = 'user'): Promise<TestClient> {
  const flows = authFlows({ origin }, sql);
  const email = await flows.signUpAndActivate(uniqueEmail(label), TEST_PASSWORD);
  return flows.signedIn(email, TEST_PASSWORD);
}
