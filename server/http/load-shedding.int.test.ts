// Load shedding at the entry and the password-hashing gate, against the built app: a cap on
// requests in flight, event-loop lag, a sign-in flood answered by the entry, and throttled sign-ins
// that never hash.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningApp, startApp } from '@/test/app';
import { TestClient } from '@/test/client';
import { uniqueEmail } from '@/test/db';
import { type HeldRequest, holdRequest } from '@/test/raw-http';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');

type Health = {
  pressure: { underPressure: boolean; requestsInFlight: number; eventLoopDelayMs: number; shed: number };
  passwordHashing: GateLoad;
  signIns: { inFlight: number; capacity: number; peak: number; shed: number };
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

describe('sign-ins admitted at the entry, up to what the hashing gate holds', () => {
  let app: RunningApp;
  beforeAll(async () => {
    // One hash at a time and 4 waiting: the entry admits 5 sign-ins at once. The long wait means
    // the gate itself never refuses, so any 503 comes from the entry.
    app = await startApp({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl ?? undefined,
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_WAIT_MS: '30000',
    });
  });
  afterAll(() => app?.stop());

  it('answers a flood past the capacity with a fast 503 from the entry; health answers throughout', async () => {
    const before = await health(app);
    expect(before.signIns).toMatchObject({ capacity: 5, inFlight: 0 });
    const clients = await Promise.all(Array.from({ length: 40 }, () => new TestClient(app.origin).start()));
    const flood = Promise.all(
      clients.map((client) => client.mutation('auth.login', { email: uniqueEmail('flood'), password: 'not the password 1' })),
    );
    const probes = Promise.all(Array.from({ length: 10 }, () => fetch(`${app.origin}/api/health`)));
    const [replies, healthReplies] = await Promise.all([flood, probes]);
    expect(healthReplies.map((reply) => reply.status)).toEqual(Array.from({ length: 10 }, () => 200));
    const shed = replies.filter((reply) => reply.status === 503);
    const answered = replies.filter((reply) => reply.status === 401);
    expect(shed.length + answered.length).toBe(40);
    expect(shed.length).toBeGreaterThan(0);
    for (const reply of shed) {
      expect(reply.headers.get('x-shed-reason')).toBe('sign-ins');
      expect(reply.headers.get('retry-after')).toBe('1');
    }
    expect(JSON.parse(shed[0]?.text ?? '{}')).toEqual({
      error: 'SERVICE_UNAVAILABLE',
      message: 'The server is busy. Please try again shortly.',
    });
    const after = await health(app);
    // Every sign-in the entry let through was hashed; the gate refused none and never held more than 5.
    expect(after.passwordHashing.started - before.passwordHashing.started).toBe(answered.length);
    expect(after.passwordHashing.refused).toBe(before.passwordHashing.refused);
    expect(after.passwordHashing).toMatchObject({ running: 0, waiting: 0 });
    expect(after.signIns.peak).toBeLessThanOrEqual(5);
    expect(after.signIns.shed - before.signIns.shed).toBe(shed.length);
    expect(after.pressure.shed - before.pressure.shed).toBeGreaterThanOrEqual(shed.length);
  });

  it('counts a percent-encoded or batched sign-in like a plain one', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => unfinishedSignIn(app)));
    try {
      await expect.poll(async () => (await health(app)).signIns.inFlight, { timeout: 10_000 }).toBe(5);
      const client = await new TestClient(app.origin).start();
      for (const path of ['auth%2Elogin', 'auth.me,auth.login?batch=1', 'auth.resetPassword']) {
        const reply = await client.request(`/api/trpc/${path}`, { method: 'POST', body: '{}' });
        expect(reply.headers.get('x-shed-reason'), path).toBe('sign-ins');
      }
      expect((await client.query('auth.me')).status).toBe(200);
    } finally {
      held.forEach(({ socket }) => socket.destroy());
    }
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
    const refusedBy = replies.map((reply) => reply.headers.get('x-shed-reason') ?? reply.status);
    expect(refusedBy.every((by) => by === 429 || by === 'sign-ins'), JSON.stringify(refusedBy)).toBe(true);
    expect(refusedBy).toContain(429);
    expect((await health(app)).passwordHashing.started).toBe(before);
  });
});
