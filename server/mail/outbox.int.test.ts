// The mail outbox over real HTTP against the built app: bodies are sealed at rest and cleared on
// delivery (a dump of every table yields no live token), and a mail server that accepts and never
// answers slows only mail — it holds no database connection and gets one delivery loop at a time.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '@/test/services';
import { startApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { latestMail, testSql, type TestSql, tokenFrom, uniqueEmail } from '@/test/db';
import { startMailCatcher } from '@/test/mail-catcher';

const databaseUrl = inject('databaseUrl');
let sql: TestSql;
beforeAll(async () => {
  sql = testSql(databaseUrl);
  // Earlier suites leave their mail in the shared outbox; a deliverer started here must not work through it first.
  await sql`update mail_outbox set next_attempt_at = now() + interval '1 day' where sent_at is null`;
});
afterAll(async () => {
  await sql?.end();
});

/**
 * Other suites leave undelivered mail in the shared database, and a deliverer takes the oldest
 * first: park it, so this suite's deliverer sees only its own.
 */
async function parkOtherMail(): Promise<void> {
  await sql`update mail_outbox set next_attempt_at = now() + interval '1 day' where sent_at is null`;
}

async function activatedUser(label: string): Promise<string> {
  const email = uniqueEmail(label);
  await sql`insert into users (email, password_hash, activated_at) values (${email}, 'not-a-hash', now())`;
  return email;
}

async function askForReset(origin: string, email: string): Promise<void> {
  const client = await new TestClient(origin).start('/forgot-password');
  const reply = await client.mutation('auth.requestPasswordReset', { email });
  expect(reply.status).toBe(200);
}

/** Every row of every table in the public schema, as text: what a backup or a replica holds. */
async function dumpEverything(): Promise<string> {
  const tables = await sql<{ name: string }[]>`
    select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await sql<{ row: string }[]>`select t::text as row from ${sql(name)} t`;
    parts.push(...rows.map((row) => row.row));
  }
  return parts.join('\n');
}

async function waitFor<T>(read: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('mail bodies at rest', () => {
  it('a queued mail is sealed in the outbox: the table holds no link and no token', async () => {
    const app = await startApp({ DATABASE_URL: databaseUrl });
    try {
      const email = await activatedUser('sealed');
      await askForReset(app.origin, email);
      const mail = await waitFor(async () => (await latestMail(sql, email, 'password_reset')) ?? undefined, 'the reset mail');
      const token = tokenFrom(mail.text);
      const [row] = await sql<{ body: string }[]>`select body from mail_outbox where "to" = ${email}`;
      expect(row?.body).toMatch(/^v1\.[0-9a-f]{8}\./);
      const dump = await dumpEverything();
      expect(dump).toContain(email);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain('/reset-password?');
    } finally {
      await app.stop();
    }
  });

  it('after delivery the body is gone: a full dump holds no live token, yet the delivered link still works', async () => {
    const [smtpPort, webPort] = [await findFreePort(), await findFreePort()];
    const catcher = await startMailCatcher(smtpPort, webPort);
    await parkOtherMail();
    const app = await startApp({ DATABASE_URL: databaseUrl, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
    try {
      const email = await activatedUser('delivered');
      await askForReset(app.origin, email);
      const caught = await waitFor(async () => catcher.mails.find((mail) => mail.to === email), 'delivery to the catcher');
      const token = tokenFrom(caught.text);
      const row = await waitFor(async () => {
        const [found] = await sql<{ body: string | null; sent_at: Date | null; kind: string; attempts: number }[]>`
          select body, sent_at, kind, attempts from mail_outbox where "to" = ${email}`;
        return found?.sent_at ? found : undefined;
      }, 'the row marked sent');
      expect(row).toMatchObject({ body: null, kind: 'password_reset', attempts: 1 });
      expect(await dumpEverything()).not.toContain(token);

      const client = await new TestClient(app.origin).start('/reset-password');
      const reset = await client.mutation('auth.resetPassword', { token, password: 'a brand new passphrase 42' });
      expect(reset.status).toBe(200);
    } finally {
      await app.stop();
      await catcher.stop();
    }
  });
});

describe('a mail server that accepts and never answers', () => {
  let blackhole: Server;
  let port: number;
  let open = 0;
  let mostAtOnce = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    port = await findFreePort();
    blackhole = createServer((socket) => {
      sockets.add(socket);
      open += 1;
      mostAtOnce = Math.max(mostAtOnce, open);
      socket.on('close', () => {
        open -= 1;
        sockets.delete(socket);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackhole.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });

  it('holds no database connection, opens one SMTP connection at a time, and the app keeps answering', async () => {
    await parkOtherMail();
    const app = await startApp({
      DATABASE_URL: databaseUrl,
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      SMTP_TIMEOUT_MS: '3000',
      DATABASE_POOL_MAX: '4',
    });
    try {
      const emails = await Promise.all(Array.from({ length: 12 }, () => activatedUser('blackhole')));
      await Promise.all(emails.map((email) => askForReset(app.origin, email)));
      await waitFor(async () => (open > 0 ? true : undefined), 'the app to connect to the mail server');
      await waitFor(async () => {
        const [queued] = await sql<{ n: number }[]>`select count(*)::int as n from mail_outbox where "to" = any(${emails})`;
        return queued?.n === emails.length ? true : undefined;
      }, 'every reset mail in the outbox');

      // While the mail server stalls: no transaction is held open (sampled for a second), and
      // database-backed requests (a pool of only 4 connections) all answer.
      for (let sample = 0; sample < 10; sample += 1) {
        const [stuck] = await sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where state like 'idle in transaction%' and datname = current_database()`;
        expect(stuck?.n).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const probes = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${app.origin}/api/health`, { signal: AbortSignal.timeout(10_000) })),
      );
      expect(probes.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 200));

      // A stalled send times out, is recorded, and the mail is kept for a later retry.
      const failed = await waitFor(async () => {
        const [row] = await sql<{ last_error: string | null; sent_at: Date | null; body: string | null }[]>`
          select last_error, sent_at, body from mail_outbox where "to" = any(${emails}) and last_error is not null limit 1`;
        return row ?? undefined;
      }, 'a recorded SMTP timeout (3 s, not nodemailer\'s minutes)', 15_000);
      expect(failed.sent_at).toBeNull();
      expect(failed.body).not.toBeNull();
      expect(mostAtOnce).toBe(1);
    } finally {
      await app.stop();
    }
  });
});
