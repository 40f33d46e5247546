// Graceful shutdown of the real server process: SIGTERM lets the request in flight finish with
// its normal answer, closes idle and half-open sockets, refuses new connections and exits 0,
// by the grace period whatever is still open.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { type RunningApp, startApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { latestMail, testSql, uniqueEmail } from '@/test/db';
import { holdRequest } from '@/test/raw-http';
import { startTcpProxy } from '@/test/tcp-proxy';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');

const exitOf = (app: RunningApp) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    app.child.once('exit', (code, signal) => resolve({ code, signal }));
  });

/** The exit, or 'still running' once `ms` have passed. */
const exitWithin = (exit: Promise<unknown>, ms: number) => Promise.race([exit, sleep(ms).then(() => 'still running')]);

function chunkedSignInHead(client: TestClient): string {
  return [
    'POST /api/trpc/auth.login HTTP/1.1',
    'Host: 127.0.0.1',
    `Origin: ${client.origin}`,
    `X-Forwarded-For: ${client.ip}`,
    `Cookie: ${client.cookieHeader()}`,
    `X-CSRF-Token: ${client.csrfToken()}`,
    'Content-Type: application/json',
    'Transfer-Encoding: chunked',
    '',
    '',
  ].join('\r\n');
}

const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

describe('graceful shutdown', () => {
  it('finishes the request in flight, closes idle sockets, refuses new connections and exits 0', async () => {
    const app = await startApp({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? undefined, SHUTDOWN_GRACE_MS: '8000' });
    const exited = exitOf(app);
    const client = await new TestClient(app.origin).start();
    const body = JSON.stringify({ email: uniqueEmail('shutdown'), password: 'not the password 1' });
    const inFlight = await holdRequest(app.port, chunkedSignInHead(client) + chunk(body.slice(0, 10)));
    const idle = await holdRequest(app.port, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const halfOpen = await holdRequest(app.port, 'GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n');
    await sleep(200);
    app.child.kill('SIGTERM');
    expect(await idle.answer).toMatch(/^HTTP\/1\.1 200 /);
    await expect(fetch(`${app.origin}/login`)).rejects.toThrow();
    inFlight.socket.write(chunk(body.slice(10)) + '0\r\n\r\n');
    const answer = await inFlight.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('Incorrect email or password.');
    expect(await exitWithin(exited, 8_000)).toEqual({ code: 0, signal: null });
    expect(await halfOpen.answer).not.toMatch(/^HTTP\/1\.1 [2-5]/);
  });

  it('finishes the work a signup left for after its answer (the account and its mail) before it exits', async () => {
    const database = await startTcpProxy(databaseUrl);
    // Lag shedding off: this test is about the answered signups, not about a busy machine's first requests.
    const app = await startApp({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl ?? undefined,
      SHUTDOWN_GRACE_MS: '10000',
      EVENT_LOOP_LAG_LIMIT_MS: '60000',
    });
    const exited = exitOf(app);
    const emails = Array.from({ length: 3 }, () => uniqueEmail('answered'));
    const clients = await Promise.all(emails.map(() => new TestClient(app.origin).start()));
    // The signup's transaction takes several round trips: slowed, it is still running when the signal comes,
    // and outlasts the time the database client is given to close.
    database.delayReplies(500);
    const replies = await Promise.all(emails.map((email, i) => clients[i]?.mutation('auth.signup', { email })));
    app.child.kill('SIGTERM');
    expect(replies.map((reply) => reply?.status)).toEqual(emails.map(() => 200));
    expect(await exitWithin(exited, 10_000)).toEqual({ code: 0, signal: null });
    await database.close();
    const sql = testSql(databaseUrl);
    try {
      const mails = await Promise.all(emails.map((email) => latestMail(sql, email, 'activation')));
      expect(mails.map((mail) => mail?.text ?? 'lost')).not.toContain('lost');
    } finally {
      await sql.end();
    }
  }, 90_000);

  it('exits 0 by the grace period when a request never finishes', async () => {
    const app = await startApp({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl ?? undefined,
      SHUTDOWN_GRACE_MS: '1500',
    });
    const exited = exitOf(app);
    const client = await new TestClient(app.origin).start();
    const stuck = await holdRequest(app.port, chunkedSignInHead(client) + chunk('{"email":'));
    await sleep(200);
    app.child.kill('SIGTERM');
    expect(await exitWithin(exited, 5_000)).toEqual({ code: 0, signal: null });
    expect(await stuck.answer).toBe('');
  });
});
