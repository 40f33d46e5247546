// Direct database access for integration tests: read what the app wrote (mail, audit rows,
// sessions) and put rows into states a test cannot wait for (expired sessions).
import postgres from 'postgres';

export function testSql(url: string) {
  return postgres(url, { max: 5, onnotice: () => undefined });
}

export type TestSql = ReturnType<typeof testSql>;

export async function latestMail(sql: TestSql, to: string, kind?: string): Promise<{ kind: string; text: string; html: string } | undefined> {
  const rows = kind
    ? await sql<{ kind: string; text: string; html: string }[]>`select kind, text, html from mail_outbox where "to" = ${to} and kind = ${kind} order by created_at desc limit 1`
    : await sql<{ kind: string; text: string; html: string }[]>`select kind, text, html from mail_outbox where "to" = ${to} order by created_at desc limit 1`;
  return rows[0];
}

export function tokenFrom(text: string | undefined): string {
  const match = text?.match(/[?&]token=([A-Za-z0-9_-]{43})/);
  if (!match?.[1]) throw new Error(`no token link in mail:\n${text}`);
  return match[1];
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}
