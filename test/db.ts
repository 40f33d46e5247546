// Direct database access for integration tests: read what the app wrote (mail, audit rows,
// sessions) and put rows into states a test cannot wait for (expired sessions).
import postgres from 'postgres';
import { openMailBody } from '../server/mail/outbox';
import { parseEncryptionKey, SecretBox } from '../server/security/encryption';
import { TEST_ENCRYPTION_KEY } from './app';

export function testSql(url: string) {
  return postgres(url, { max: 5, onnotice: () => undefined });
}

export type TestSql = ReturnType<typeof testSql>;

export const testSecretBox = new SecretBox({ current: parseEncryptionKey(TEST_ENCRYPTION_KEY) });

type MailRow = { id: string; kind: string; body: string | null };

/** The newest mail to `to` (of `kind`), its body opened with the key test apps run with. */
export async function latestMail(
  sql: TestSql,
  to: string,
  kind?: string,
): Promise<{ kind: string; text: string; html: string } | undefined> {
  const rows = kind
    ? await sql<MailRow[]>`select id, kind, body from mail_outbox where "to" = ${to} and kind = ${kind} order by created_at desc limit 1`
    : await sql<MailRow[]>`select id, kind, body from mail_outbox where "to" = ${to} order by created_at desc limit 1`;
  const row = rows[0];
  if (!row) return undefined;
  const body = openMailBody(testSecretBox, row);
  return { kind: row.kind, text: body?.text ?? '', html: body?.html ?? '' };
}

export function tokenFrom(text: string | undefined): string {
  const match = text?.match(/[?&]token=([A-Za-z0-9_-]{43})/);
  if (!match?.[1]) throw new Error(`no token link in mail:\n${text}`);
  return match[1];
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}
