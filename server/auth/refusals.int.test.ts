// Refused sign-ins are cheap: a sign-in whose budgets are spent is refused before its account is
// looked up, and a flood of refusals writes an audit row per client and window, not one per request.
import { beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '@/test/client';
import { uniqueEmail } from '@/test/db';
import { type AuthTestApp, PASSWORD, useAuthTestApp } from './int-helpers';

// A query that waits on a lock gives up after a second (503), so a lookup could not hide in a slow answer.
const context = useAuthTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: '1000' });
let app: AuthTestApp['app'], flows: AuthTestApp['flows'], sql: AuthTestApp['sql'];
beforeAll(() => ({ app, flows, sql } = context));

const blockedRows = (ip: string) => sql<{ repeated: number | null }[]>`
  select (details->>'repeated')::int as repeated from audit_events
  where event = 'login_blocked' and ip = ${ip} order by created_at, id`;

describe('refused sign-ins', () => {
  it('are answered 429 for a locked account while the users table is locked: no account is looked up', async () => {
    const email = await flows.signUpAndActivate();
    await flows.burnAccountBudget(email);
    const stranger = await new TestClient(app.origin).start();
    const statuses = await sql.begin(async (tx) => {
      await tx`lock table users in access exclusive mode`;
      const seen: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        seen.push((await stranger.mutation('auth.login', { email, password: PASSWORD })).status);
      }
      return seen;
    });
    expect(statuses).toEqual([429, 429, 429]);
  });

  it('are audited once at once and once more with their number when the window closes', async () => {
    const email = uniqueEmail('locked');
    const attacker = await new TestClient(app.origin).start();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await attacker.mutation('auth.login', { email, password: 'a wrong guess' })).status).toBe(401);
    }
    const statuses: number[] = [];
    // Four at a time, within what the entry admits at once, so each reaches the throttle.
    for (let round = 0; round < 6; round += 1) {
      const guesses = Array.from({ length: 4 }, () => attacker.mutation('auth.login', { email, password: 'a wrong guess' }));
      statuses.push(...(await Promise.all(guesses)).map((reply) => reply.status));
    }
    expect(statuses).toEqual(Array.from({ length: 24 }, () => 429));
    expect(await blockedRows(attacker.ip)).toEqual([{ repeated: null }]);
    await expect.poll(() => blockedRows(attacker.ip), { timeout: 25_000, interval: 500 })
      .toEqual([{ repeated: null }, { repeated: 23 }]);
  });
});
