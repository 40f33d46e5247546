// Housekeeping and mail retry against real Postgres: stale rows go, live rows stay, and a mail
// that fails to send is never lost — not by the app under a dead SMTP server, nor by a retry pass.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '@/db/client';
import { startApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { testSecretBox, testSql, type TestSql, uniqueEmail } from '@/test/db';
import { runHousekeeping, type HousekeepingDeps } from './housekeeping';
import { enqueueMail, type MailTransport } from '../mail/outbox';
import { PostgresThrottleStore } from '../security/throttle-postgres';

const databaseUrl = inject('databaseUrl');
let sql: TestSql;
let database: ReturnType<typeof createDatabase>;
const warnings: string[] = [];

beforeAll(() => {
  sql = testSql(databaseUrl);
  database = createDatabase(databaseUrl, { max: 2 });
});
afterAll(async () => {
  await sql?.end();
  await database?.sql.end();
});

const deps = (overrides: Partial<HousekeepingDeps> = {}): HousekeepingDeps => ({
  db: database.db,
  throttleStore: new PostgresThrottleStore(database.sql),
  transport: null,
  secretBox: testSecretBox,
  mailLeaseSeconds: 60,
  auditRetentionDays: 400,
  sessionPolicy: { idleSeconds: 3600, absoluteSeconds: 86_400 },
  uploadDir: null,
  log: { warn: (_object, message) => warnings.push(message) },
  ...overrides,
});

async function insertUser(): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into users (email, password_hash) values (${uniqueEmail('hk')}, 'x') returning id`;
  if (!row) throw new Error('no user');
  return row.id;
}

async function insertMail(to: string): Promise<string> {
  await enqueueMail(database.db, { kind: 'activation', to, subject: 'Subject', text: 'text', html: '<p>html</p>' }, testSecretBox);
  const [row] = await sql<{ id: string }[]>`select id from mail_outbox where "to" = ${to}`;
  if (!row) throw new Error('no mail');
  return row.id;
}

const mailRow = async (id: string) =>
  (await sql<{ attempts: number; last_error: string | null; sent_at: Date | null; due: boolean }[]>`
    select attempts, last_error, sent_at, next_attempt_at <= now() as due from mail_outbox where id = ${id}`)[0];

describe('housekeeping', () => {
  it('deletes expired and idle sessions, old spent tokens and ended throttle rows, and nothing live', async () => {
    const userId = await insertUser();
    const session = (expires: string, lastSeen: string) =>
      sql<{ id: string }[]>`insert into sessions (user_id, token_hash, expires_at, last_seen_at, ip)
        values (${userId}, ${randomUUID()}, now() + ${expires}::interval, now() + ${lastSeen}::interval, '127.0.0.1') returning id`.then((rows) => rows[0]?.id);
    const live = await session('1 day', '0 seconds');
    const expired = await session('-1 second', '0 seconds');
    const idle = await session('1 day', '-2 hours');
    const token = (expires: string, used: string | null) =>
      sql<{ id: string }[]>`insert into auth_tokens (user_id, purpose, token_hash, expires_at, used_at)
        values (${userId}, 'password_reset', ${randomUUID()}, now() + ${expires}::interval, ${used === null ? null : sql`now() + ${used}::interval`})
        returning id`.then((rows) => rows[0]?.id);
    const freshToken = await token('1 hour', null);
    const recentlyExpired = await token('-1 hour', null);
    const longExpired = await token('-8 days', null);
    const longUsed = await token('1 hour', '-8 days');
    const prefix = `hk-${randomUUID()}`;
    await sql`insert into throttle_counters (key, attempts, window_expires_at) values
      (${`${prefix}:ended`}, 3, now() - interval '1 second'), (${`${prefix}:open`}, 3, now() + interval '1 minute')`;
    await sql`insert into throttle_counters (key, attempts, window_expires_at, lockouts, lockouts_expire_at) values
      (${`${prefix}:remembered`}, 0, now() - interval '1 second', 2, now() + interval '1 hour')`;

    const report = await runHousekeeping(deps());

    expect(report.sessionsDeleted).toBeGreaterThanOrEqual(2);
    expect(report.tokensDeleted).toBeGreaterThanOrEqual(2);
    expect(report.throttleRowsDeleted).toBeGreaterThanOrEqual(1);
    const sessionIds = (await sql<{ id: string }[]>`select id from sessions where user_id = ${userId}`).map((row) => row.id);
    expect(sessionIds).toEqual([live]);
    const tokenIds = (await sql<{ id: string }[]>`select id from auth_tokens where user_id = ${userId}`).map((row) => row.id).sort();
    expect(tokenIds).toEqual([freshToken, recentlyExpired].sort());
    expect(tokenIds).not.toContain(longExpired);
    expect(tokenIds).not.toContain(longUsed);
    const keys = (await sql<{ key: string }[]>`select key from throttle_counters where key like ${`${prefix}:%`}`).map((row) => row.key).sort();
    expect(keys).toEqual([`${prefix}:open`, `${prefix}:remembered`]);
    expect(expired).toBeDefined();
    expect(idle).toBeDefined();
  });

  it('a failed send keeps the mail with its error and a later retry time; a later pass delivers it once', async () => {
    const id = await insertMail(uniqueEmail('retry'));
    // Other suites leave unsent mail in the shared database: park it so this pass sees only ours.
    await sql`update mail_outbox set next_attempt_at = now() + interval '1 day' where sent_at is null and id <> ${id}`;
    const failing: MailTransport = { send: () => Promise.reject(new Error('550 mailbox unavailable')) };
    await runHousekeeping(deps({ transport: failing }));
    const failed = await mailRow(id);
    expect(failed).toMatchObject({ attempts: 1, last_error: '550 mailbox unavailable', sent_at: null, due: false });

    const delivered: string[] = [];
    const working: MailTransport = { send: async (mail) => void delivered.push(mail.to) };
    await runHousekeeping(deps({ transport: working }));
    expect(await mailRow(id)).toMatchObject({ attempts: 1, sent_at: null }); // not due yet: no retry storm

    await sql`update mail_outbox set next_attempt_at = now() where id = ${id}`;
    await runHousekeeping(deps({ transport: working }));
    const sent = await mailRow(id);
    expect(sent?.sent_at).toBeInstanceOf(Date);
    expect(sent).toMatchObject({ attempts: 2, last_error: null });
    await runHousekeeping(deps({ transport: working }));
    expect(delivered).toHaveLength(1); // sent once, not again by the next pass
  });

  it('two deliverers at once each take other mail: every mail is sent exactly once, and its body is cleared', async () => {
    const recipients = Array.from({ length: 6 }, () => uniqueEmail('lease'));
    for (const to of recipients) await insertMail(to);
    await sql`update mail_outbox set next_attempt_at = now() + interval '1 day' where sent_at is null and not ("to" = any(${recipients}))`;
    const delivered: string[] = [];
    // A slow transport: both passes are mid-send at the same time.
    const slow: MailTransport = {
      send: async (mail) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        delivered.push(mail.to);
      },
    };
    await Promise.all([runHousekeeping(deps({ transport: slow })), runHousekeeping(deps({ transport: slow }))]);
    expect(delivered.sort()).toEqual([...recipients].sort());
    const rows = await sql<{ body: string | null; sent_at: Date | null }[]>`select body, sent_at from mail_outbox where "to" = any(${recipients})`;
    expect(rows.every((row) => row.body === null && row.sent_at instanceof Date)).toBe(true);
  });

  it('a mail claimed by a deliverer that died is sent again once its lease has run out', async () => {
    const to = uniqueEmail('lease-expired');
    const id = await insertMail(to);
    await sql`update mail_outbox set next_attempt_at = now() + interval '1 day' where sent_at is null and id <> ${id}`;
    await sql`update mail_outbox set locked_until = now() + interval '1 minute', lease_token = gen_random_uuid() where id = ${id}`;
    const delivered: string[] = [];
    const working: MailTransport = { send: async (mail) => void delivered.push(mail.to) };
    await runHousekeeping(deps({ transport: working }));
    expect(delivered).toEqual([]); // another deliverer holds it
    await sql`update mail_outbox set locked_until = now() - interval '1 second' where id = ${id}`;
    await runHousekeeping(deps({ transport: working }));
    expect(delivered).toEqual([to]);
  });

  it('deletes audit rows past the retention period and keeps recent ones', async () => {
    const marker = `retention-${randomUUID()}`;
    await sql`insert into audit_events (event, path, created_at) values
      ('login_failure', ${marker}, now() - interval '11 days'),
      ('login_failure', ${marker}, now() - interval '9 days'),
      ('login_failure', ${marker}, now())`;
    const report = await runHousekeeping(deps({ auditRetentionDays: 10 }));
    expect(report.auditRowsDeleted).toBeGreaterThanOrEqual(1);
    const ages = await sql<{ days: number }[]>`
      select extract(day from now() - created_at)::int as days from audit_events where path = ${marker} order by created_at`;
    expect(ages.map((row) => row.days)).toEqual([9, 0]);
  });

  it('logs a failing task and still runs the others', async () => {
    warnings.length = 0;
    const broken = { deleteExpired: () => Promise.reject(new Error('relation missing')) } as unknown as PostgresThrottleStore;
    const userId = await insertUser();
    await sql`insert into sessions (user_id, token_hash, expires_at, ip) values (${userId}, ${randomUUID()}, now() - interval '1 second', '127.0.0.1')`;
    const report = await runHousekeeping(deps({ throttleStore: broken }));
    expect(warnings).toEqual(['housekeeping task failed; will retry']);
    expect(report.throttleRowsDeleted).toBe(0);
    expect(report.sessionsDeleted).toBeGreaterThanOrEqual(1);
  });
});

describe('mail under a dead SMTP server (the app, over HTTP)', () => {
  it('answers signup exactly as usual and keeps the activation mail in the outbox for retry', async () => {
    // A port that refuses connections: bind, read the port, close.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const app = await startApp({ DATABASE_URL: databaseUrl, SMTP_URL: `smtp://127.0.0.1:${closedPort}` });
    try {
      const client = await new TestClient(app.origin).start('/signup');
      const email = uniqueEmail('deadsmtp');
      const reply = await client.mutation('auth.signup', { email });
      expect(reply.status).toBe(200);
      const other = await new TestClient(app.origin).start('/signup');
      const usual = await other.mutation('auth.signup', { email: uniqueEmail('deadsmtp') });
      expect(reply.text).toBe(usual.text);
      // The app tries at once after the commit (a claim counts the attempt); the failure is recorded, the mail kept.
      const deadline = Date.now() + 15_000;
      let row: { attempts: number; last_error: string | null; sent_at: Date | null } | undefined;
      while (Date.now() < deadline) {
        row = (await sql<{ attempts: number; last_error: string | null; sent_at: Date | null }[]>`
          select attempts, last_error, sent_at from mail_outbox where "to" = ${email}`)[0];
        if (row?.last_error) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(row?.attempts).toBeGreaterThanOrEqual(1);
      expect(row?.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(row?.sent_at).toBeNull();
    } finally {
      await app.stop();
    }
  });
});
