// Refusals are audited, but one HTTP request writes at most one audit row: a batch of ten
// refused calls cannot multiply what an unauthenticated client makes the database store.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { testSql, type TestSql } from '@/test/db';

const databaseUrl = inject('databaseUrl');
let app: RunningApp;
let sql: TestSql;
beforeAll(async () => {
  sql = testSql(databaseUrl);
  app = await startApp({ DATABASE_URL: databaseUrl });
});
afterAll(async () => {
  await app?.stop();
  await sql?.end();
});

const refusalsFrom = async (ip: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from audit_events where ip = ${ip} and event = 'unauthenticated_access'`)[0]?.n;

describe('audit rows per request', () => {
  it('a batch of ten refused calls writes one audit row, not ten', async () => {
    const client = await new TestClient(app.origin).start('/login');
    const calls = Array.from({ length: 10 }, () => 'account.sessions').join(',');
    const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, {}]))));
    const response = await client.request(`/api/trpc/${calls}?batch=1&input=${input}`);
    expect(response.status).toBe(401);
    const replies = (await response.json()) as { error?: { data: { code: string } } }[];
    expect(replies).toHaveLength(10);
    expect(replies.every((reply) => reply.error?.data.code === 'UNAUTHORIZED')).toBe(true);
    expect(await refusalsFrom(client.ip)).toBe(1);
  });

  it('separate refused requests are each audited', async () => {
    const client = await new TestClient(app.origin).start('/login');
    for (let i = 0; i < 3; i += 1) expect((await client.query('account.sessions')).status).toBe(401);
    expect(await refusalsFrom(client.ip)).toBe(3);
  });
});
