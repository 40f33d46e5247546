// Sign-in figures for bench/http.ts: refused sign-ins against a locked account (must stay cheap),
// correct sign-ins (bound by argon2 and its gate) beside one bare argon2id verification per core,
// and /api/health and the event loop during a flood of sign-ins with distinct unknown emails.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { verify } from '@node-rs/argon2';
import type autocannon from 'autocannon';
import postgres from 'postgres';
import { hashPassword } from '../server/security/password';
import type { RunningApp } from '../test/app';
import { randomClientIp, TestClient } from '../test/client';
import { type Figures, load, SECONDS } from './load';

const PASSWORD = 'a correct horse battery staple';
const ACCOUNTS = 64;

type Pressure = { eventLoopDelayP99Ms: number };

async function signInRequest(app: RunningApp) {
  const client = await new TestClient(app.origin).start();
  const headers = {
    'content-type': 'application/json',
    'origin': app.origin,
    'cookie': client.cookieHeader(),
    'x-csrf-token': client.csrfToken(),
    'x-forwarded-for': client.ip,
  };
  return { client, headers, url: `${app.origin}/api/trpc/auth.login` };
}

/** Each request from a new address, so no per-IP or pair budget is what limits it. */
const fromAnywhere = (body?: () => string) => (request: autocannon.Request): autocannon.Request => ({
  ...request,
  headers: { ...request.headers, 'x-forwarded-for': randomClientIp() },
  ...(body ? { body: body() } : {}),
});

async function bareArgon2PerCore(hash: string): Promise<number> {
  let done = 0;
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: availableParallelism() }, async () => {
    while (Date.now() < deadline) {
      await verify(hash, PASSWORD);
      done += 1;
    }
  }));
  return Math.round(done / SECONDS);
}

export async function signInFigures(app: RunningApp, databaseUrl: string): Promise<void> {
  const { client, headers, url } = await signInRequest(app);
  const locked = `locked-${randomUUID()}@example.com`;
  for (let attempt = 0; attempt < 6; attempt++) await client.mutation('auth.login', { email: locked, password: PASSWORD });
  const refused = await load(url, { method: 'POST', headers, body: JSON.stringify({ email: locked, password: PASSWORD }) });

  // Many accounts in turn, a few at a time: each success resets its account's budget, and no
  // account collects the failures that would lock it.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  const hash = await hashPassword(PASSWORD);
  const emails = Array.from({ length: ACCOUNTS }, () => `bench-${randomUUID()}@example.com`);
  for (const email of emails) await sql`insert into users (email, password_hash, activated_at) values (${email}, ${hash}, now())`;
  await sql.end();
  let turn = 0;
  const nextAccount = () => JSON.stringify({ email: emails[turn++ % ACCOUNTS], password: PASSWORD });
  const correct = await load(url, {
    connections: 4,
    requests: [{ method: 'POST', headers, setupRequest: fromAnywhere(nextAccount) }],
  });
  const bare = await bareArgon2PerCore(hash);

  const idle = await load(`${app.origin}/api/health`, { connections: 1, duration: 3 });
  // The floor: the same flood of requests the entry refuses on their first line (405), none of them a sign-in.
  const [, besideRefusals] = await Promise.all([
    load(app.origin, { connections: 64, method: 'PATCH' }),
    load(`${app.origin}/api/health`, { connections: 1 }),
  ]);
  let worstP99 = 0;
  const unknownEmail = () => JSON.stringify({ email: `flood-${randomUUID()}@example.com`, password: PASSWORD });
  const [flood, busy] = await Promise.all([
    load(url, { connections: 64, requests: [{ method: 'POST', headers, setupRequest: fromAnywhere(unknownEmail) }] }),
    load(`${app.origin}/api/health`, {
      connections: 1,
      requests: [{
        onResponse: (_status: number, body: string) => {
          const pressure = (JSON.parse(body) as { pressure: Pressure | null }).pressure;
          worstP99 = Math.max(worstP99, pressure?.eventLoopDelayP99Ms ?? 0);
        },
      }],
    }),
  ]);

  // A 500 is a bug, not a figure: show what the server logged for the first few.
  const failures = app.output().split('\n').filter((line) => line.includes('"level":50')).slice(0, 3);
  if (failures.length > 0) console.log(`\nerrors the server logged:\n${failures.join('\n')}`);
  const row = ({ rps, p50, p99, statuses }: Figures) => ({ 'per s': rps, 'p50 ms': p50, 'p99 ms': p99, statuses });
  console.log(`\nsign-ins (${availableParallelism()} cores):`);
  console.table({
    'refused sign-ins, locked account (429, or 503 from the entry)': row(refused),
    'correct sign-ins, 4 connections (all answers)': row(correct),
    'correct sign-ins answered 2xx': { 'per s': Math.round((correct.rps * SECONDS - correct.non2xx) / SECONDS) },
    'bare argon2id verify, one per core': { 'per s': bare },
    'sign-in flood, 64 connections, unknown emails': row(flood),
    '/api/health idle': row(idle),
    '/api/health during the flood': row(busy),
    '/api/health during a flood of 405s (64 connections)': row(besideRefusals),
    'event-loop delay p99 during the flood (worst 500 ms window)': { 'p99 ms': worstP99 },
  });
}
