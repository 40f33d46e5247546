// The budget attacks the multi-instance suites run, once on Redis and once on a Redis Cluster:
// requests spread by nginx over every instance must spend one global budget.
import { expect } from 'vitest';
import type { authFlows } from '@/server/auth/int-helpers';
import type { TestSql } from './db';
import type { Fleet } from './fleet';

export type FleetContext = { fleet: Fleet; sql: TestSql; flows: ReturnType<typeof authFlows> };

/** The pair budget of sign-ins (one address, one account): 5 per 5 minutes. */
export const PAIR_BUDGET = 5;
/** API_RATE_LIMIT_PER_MINUTE the fleets run with: small enough to exhaust, large enough for one visitor's flows. */
export const FLEET_API_BUDGET = 100;

const failures = (sql: TestSql, email: string) => sql<{ n: number }[]>`
  select count(*)::int as n from audit_events a join users u on u.id = a.user_id
  where a.event = 'login_failure' and u.email = ${email}`.then((rows) => rows[0]?.n ?? 0);

/** Something done to the store around an attack: `before` it starts (given the pair's key), or `during` it. */
export type Disruption = { before?(pairKey: string): Promise<void>; during?(): Promise<void> };

/** 60 parallel wrong passwords for one account from one address; every status seen, counted. */
export async function guessInParallel({ fleet, sql, flows }: FleetContext, disruption: Disruption = {}) {
  const email = await flows.signUpAndActivate();
  const attacker = await fleet.client().start();
  await disruption.before?.(`${fleet.throttleKeyPrefix}:login-pair:${email}|${attacker.ip}`);
  const guess = (i: number) => attacker.mutation('auth.login', { email, password: `wrong guess number ${i}` });
  const guesses = Promise.all(Array.from({ length: 60 }, (_, i) => guess(i)));
  const [replies] = await Promise.all([guesses, disruption.during?.()]);
  // 503s the entry sheds (more sign-ins at once than an instance hashes and queues) are counted
  // apart from the store's: neither verifies a password.
  const statuses: Partial<Record<number | 'shed', number>> = {};
  for (const reply of replies) {
    const status = reply.headers.get('x-shed-reason') === 'sign-ins' ? 'shed' : reply.status;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return { statuses, verified: await failures(sql, email) };
}

/** Fail-closed, a store call that timed out on a busy machine answers 503: never a verified guess. */
export async function expectPairBudgetHolds(context: FleetContext): Promise<void> {
  const { statuses, verified } = await guessInParallel(context);
  expect(verified).toBeLessThanOrEqual(PAIR_BUDGET);
  expect(statuses[401] ?? 0).toBe(verified);
  const refused = (statuses[429] ?? 0) + (statuses[503] ?? 0) + (statuses.shed ?? 0);
  expect((statuses[401] ?? 0) + refused, JSON.stringify(statuses)).toBe(60);
}

export async function expectApiBudgetIsGlobal({ fleet }: FleetContext): Promise<void> {
  const visitor = fleet.client();
  const replies = await Promise.all(Array.from({ length: FLEET_API_BUDGET + 50 }, () => visitor.query('auth.me')));
  const count = (status: number) => replies.filter((reply) => reply.status === status).length;
  const seen = JSON.stringify(replies.map((reply) => reply.status));
  // A call that timed out on a busy store answers 503 (fail-closed), though its increment may have counted.
  expect(count(200), seen).toBeLessThanOrEqual(FLEET_API_BUDGET);
  expect(count(200), seen).toBeGreaterThanOrEqual(FLEET_API_BUDGET - count(503));
  expect(count(200) + count(429) + count(503), seen).toBe(FLEET_API_BUDGET + 50);
}

/** The account is locked by strangers' guesses through nginx; then each instance, asked directly, refuses it. */
export async function expectLockoutEverywhere({ fleet, flows }: FleetContext, password: string): Promise<void> {
  const email = await flows.signUpAndActivate();
  // Until the account refuses: a guess shed by a busy instance (503) spends no budget.
  for (let round = 0, locked = false; round < 6 && !locked; round += 1) {
    const stranger = await fleet.client().start();
    const guess = (i: number) => stranger.mutation('auth.login', { email, password: `guess ${round} ${i}` });
    const replies = await Promise.all(Array.from({ length: 4 }, (_, i) => guess(i)));
    locked = replies.some((reply) => reply.status === 429);
  }
  for (const [instance] of fleet.instances.entries()) {
    const owner = await fleet.client(instance).start();
    const reply = await owner.mutation('auth.login', { email, password });
    expect(reply.status, `instance ${instance}`).toBe(429);
  }
}
