// Load shedding at the entry and the password-hashing gate, against the built app: a cap on
// requests in flight, event-loop lag, a sign-in flood, and throttled sign-ins that never hash.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningApp, startApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { uniqueEmail } from '@/test/db';
import { type HeldRequest, holdRequest } from '@/test/raw-http';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Health = {
  pressure: { underPressure: boolean; requestsInFlight: number; eventLoopDelayMs: number; shed: number };
  passwordHashing: GateLoad;
};

type GateLoad = { running: number; waiting: number; started: number; refused: number };

async function health(app: RunningApp): Promise<Health> {
  const response = await fetch(`${app.origin}/api/health`);
  expect(response.status).toBe(200);
  return (await response.json()) as Health;
}

/** A sign-in POST whose body never comes: Next waits for it, so the request stays in flight. */
const unfinishedSignIn = (app: RunningApp) =>
  holdRequest(app.port, [
    'POST /api/trpc/auth.login HTTP/1.1',
    'Host: 127.0.0.1',
    `Origin: ${app.origin}`,
    'Content-Type: application/json',
    'Content-Length: 100',
    '',
    '{"email":',
  ].join('\r\n'));

describe('load shedding at the entry', () => {
  let app: RunningApp;
  const held: HeldRequest[] = [];
  beforeAll(async () => {
    app = await startApp({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl ?? undefined,
      MAX_REQUESTS_IN_FLIGHT: '4',
      EVENT_LOOP_LAG_LIMIT_MS: '300',
    });
  });
  afterEach(() => held.splice(0).forEach(({ socket }) => socket.destroy()));
  afterAll(() => app?.stop());

  it('answers 503 with Retry-After at once past the cap in flight, and health still answers', async () => {
    held.push(...(await Promise.all(Array.from({ length: 4 }, () => unfinishedSignIn(app)))));
    await expect.poll(async () => (await health(app)).pressure.requestsInFlight, { timeout: 10_000 }).toBe(4);
    const shed = await fetch(`${app.origin}/login`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('x-shed-reason')).toBe('in-flight');
    expect(await shed.json()).toEqual({ error: 'SERVICE_UNAVAILABLE', message: 'The server is busy. Please try again shortly.' });
    expect((await health(app)).pressure).toMatchObject({ underPressure: true, requestsInFlight: 4 });
    held.splice(0).forEach(({ socket }) => socket.destroy());
    await expect.poll(async () => (await fetch(`${app.origin}/login`)).status).toBe(200);
    expect((await health(app)).pressure.shed).toBeGreaterThanOrEqual(1);
  });

  it('sheds the requests that queued up while the event loop was stalled, then serves again', async () => {
    app.child.kill('SIGSTOP');
    const queued = Array.from({ length: 10 }, () => fetch(`${app.origin}/login`));
    const healthDuringStall = fetch(`${app.origin}/api/health`);
    await sleep(1_200);
    app.child.kill('SIGCONT');
    const answers = await Promise.all(queued);
    const lagged = answers.filter((answer) => answer.headers.get('x-shed-reason') === 'event-loop-lag');
    expect(lagged.length).toBeGreaterThan(0);
    expect(lagged.every((answer) => answer.status === 503 && answer.headers.get('retry-after') === '1')).toBe(true);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
    expect((await healthDuringStall).status).toBe(200);
    await expect.poll(async () => (await fetch(`${app.origin}/login`)).status, { timeout: 3_000 }).toBe(200);
  });
});

describe('the password-hashing gate', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl ?? undefined,
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_WAIT_MS: '0',
    });
  });
  afterAll(() => app?.stop());

  it('refuses sign-ins past the gate with a fast 503, hashing only for the ones it lets through', async () => {
    const before = await health(app);
    const clients = await Promise.all(Array.from({ length: 24 }, () => new TestClient(app.origin).start()));
    const replies = await Promise.all(
      clients.map((client) => client.mutation('auth.login', { email: uniqueEmail('flood'), password: 'not the password 1' })),
    );
    const refused = replies.filter((reply) => reply.status === 503);
    const answered = replies.filter((reply) => reply.status === 401);
    expect(refused.length + answered.length).toBe(24);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((reply) => reply.headers.get('retry-after') === '1')).toBe(true);
    expect(refused[0]?.error?.message).toBe('The server is busy. Please try again shortly.');
    const after = await health(app);
    expect(after.passwordHashing.started - before.passwordHashing.started).toBe(answered.length);
    expect(after.passwordHashing.refused - before.passwordHashing.refused).toBe(refused.length);
    expect(after.passwordHashing).toMatchObject({ running: 0, waiting: 0 });
  });

  it('never hashes for a sign-in its throttle refuses', async () => {
    const client = await new TestClient(app.origin).start();
    const email = uniqueEmail('locked');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await client.mutation('auth.login', { email, password: 'not the password 1' })).status).toBe(401);
    }
    const before = (await health(app)).passwordHashing.started;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => client.mutation('auth.login', { email, password: 'not the password 1' })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array.from({ length: 20 }, () => 429));
    expect((await health(app)).passwordHashing.started).toBe(before);
  });
});
