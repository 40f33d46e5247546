// Scale-out proven: three instances of the production build behind nginx (round-robin, X-Real-IP),
// one Postgres, one Redis. Budgets, sessions, single-use tokens and jobs must behave as one app,
// and a rolling restart must cost no idempotent request and run no mutation twice.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authFlows, PASSWORD } from '@/server/auth/int-helpers';
import { passkeyFlows } from '@/server/passkeys/int-helpers';
import { countOf, statuses, twoFactorFlows } from '@/server/two-factor/int-helpers';
import type { TestClient, TrpcReply } from '@/test/client';
import { testSql, tokenFrom, uniqueEmail } from '@/test/db';
import { startFleet } from '@/test/fleet';
import {
  expectApiBudgetIsGlobal,
  expectLockoutEverywhere,
  expectPairBudgetHolds,
  FLEET_API_BUDGET,
  type FleetContext,
} from '@/test/fleet-budgets';
import { startMailCatcher } from '@/test/mail-catcher';
import { checkNginxConfig, NGINX_CONFIG, nginxBin } from '@/test/nginx';
import { findFreePort } from '@/test/services';

const bin = nginxBin();
if (!bin && process.env.CI) throw new Error('CI: nginx not found (apt-get install -y nginx); the multi-instance suite must not be skipped.');
if (!bin) console.warn('[scale-out] nginx not found: the multi-instance suite is skipped. Install it with: apt-get install -y nginx');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `path status` once the whole body arrived, or `path error` when the answer broke off. */
async function readWhole(client: TestClient, path: string): Promise<string> {
  try {
    const response = await client.request(path);
    await response.arrayBuffer();
    return `${path} ${response.status}`;
  } catch (error) {
    return `${path} ${(error as Error).message}`;
  }
}
const context = {} as FleetContext;

describe.skipIf(!bin)('several instances behind nginx', () => {
  beforeAll(async () => {
    context.sql = testSql(inject('databaseUrl'));
    context.fleet = await startFleet(bin ?? '', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl') ?? undefined,
      API_RATE_LIMIT_PER_MINUTE: String(FLEET_API_BUDGET),
    });
    context.flows = authFlows({ origin: context.fleet.origin, client: () => context.fleet.client() }, context.sql);
  });
  afterAll(async () => {
    await context.fleet?.stop();
    await context.sql?.end();
  });

  it('runs the committed nginx configuration, which nginx -t accepts', async () => {
    expect(await checkNginxConfig(bin ?? '', NGINX_CONFIG)).toMatch(/syntax is ok/);
    const health = await context.fleet.client().request('/api/health');
    expect(health.status).toBe(200);
  });

  it('sees each visitor by the address nginx saw, not by a forwarding header the visitor forged', async () => {
    const [{ since } = { since: new Date(0) }] = await context.sql<{ since: Date }[]>`select now() as since`;
    const visitor = await context.fleet.client().start();
    const forged = await visitor.request('/api/trpc/auth.me', { headers: { 'x-real-ip': '6.6.6.6', 'x-forwarded-for': '6.6.6.6' } });
    expect(forged.status).toBe(200);
    const reply = await visitor.mutation('auth.login', { email: uniqueEmail('nobody'), password: 'not the password' });
    expect(reply.status).toBe(401);
    const rows = await context.sql<{ ip: string }[]>`
      select ip from audit_events where event = 'login_failure' and ip in (${visitor.ip}, '6.6.6.6') and created_at >= ${since}`;
    expect(rows.map((row) => row.ip)).toEqual([visitor.ip]);
  });

  describe('budgets are global', () => {
    it('60 parallel wrong passwords for one account from one address, over three instances, verify at most the pair budget', () =>
      expectPairBudgetHolds(context));

    it('the per-IP API budget counts one visitor\'s requests on every instance together', () => expectApiBudgetIsGlobal(context));

    it('an account locked through nginx is refused by every instance at once', () => expectLockoutEverywhere(context, PASSWORD));
  });

  describe('sessions are global: revoked on one instance, refused by the next request on the others', () => {
    type Revocation = (owner: TestClient, victim: TestClient, email: string) => Promise<TrpcReply>;
    const otherSessionId = async (owner: TestClient) => {
      const sessions = await owner.query<{ id: string; current: boolean }[]>('account.sessions');
      return sessions.data?.find((session) => !session.current)?.id ?? '';
    };
    const revocations: [string, Revocation][] = [
      ['sign-out', (_owner, victim) => victim.mutation('auth.logout')],
      ['revoke from the account page', async (owner) => owner.mutation('account.revokeSession', { id: await otherSessionId(owner) })],
      ['password change', (owner) => owner.mutation('account.changePassword', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })],
      ['password reset', async (owner, _victim, email) => {
        const token = await context.flows.resetToken(email);
        return owner.mutation('auth.resetPassword', { token, password: 'a reset passphrase here' });
      }],
    ];

    it.each(revocations)('%s', async (_name, revoke) => {
      const { fleet, flows } = context;
      const email = await flows.signUpAndActivate();
      const victim = await flows.signedIn(email, PASSWORD, fleet.client(0));
      const owner = await flows.signedIn(email, PASSWORD, fleet.client(0));
      const elsewhere = [1, 2].map((instance) => fleet.sameBrowserOn(victim, instance));
      for (const browser of elsewhere) expect((await browser.query('auth.me')).data).toMatchObject({ email });
      const victimOnFirst = fleet.sameBrowserOn(victim, 0);
      const reply = await revoke(owner, victimOnFirst, email);
      expect(reply.status, reply.text).toBe(200);
      for (const browser of elsewhere) expect((await browser.query('auth.me')).data).toBeNull();
    });
  });

  describe('single-use stays single-use through different instances', () => {
    type SingleUse = {
      issue(): Promise<string>;
      use(client: TestClient, token: string, i: number): Promise<TrpcReply>;
    };
    // One entry per single-use secret the app hands out.
    const secrets: [string, SingleUse][] = [
      ['a reset token', {
        issue: async () => context.flows.resetToken(await context.flows.signUpAndActivate()),
        use: (client, token, i) => client.mutation('auth.resetPassword', { token, password: `brand new passphrase ${i}` }),
      }],
      ['an activation token', {
        issue: async () => {
          const email = uniqueEmail('activate');
          await (await context.fleet.client().start('/signup')).mutation('auth.signup', { email });
          return tokenFrom(await context.flows.waitForMail(email, 'activation'));
        },
        use: (client, token, i) => client.mutation('auth.activate', { token, password: `chosen passphrase ${i}` }),
      }],
    ];

    it.each(secrets)('%s used 12 times in parallel through nginx succeeds once', async (_name, secret) => {
      const token = await secret.issue();
      const clients = await Promise.all(Array.from({ length: 12 }, () => context.fleet.client().start()));
      const replies = await Promise.all(clients.map((client, i) => secret.use(client, token, i)));
      expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
      // Refused by the token (400) or, when nginx hands one instance more than it hashes at once, by its entry.
      const refused = replies.filter((reply) => reply.status === 400 || reply.headers.get('x-shed-reason') === 'sign-ins');
      expect(refused).toHaveLength(11);
    });

    it('one recovery code offered by 12 pending sign-ins at once, across the three instances, signs in once', async () => {
      const { fleet, flows, sql } = context;
      const twoFactor = twoFactorFlows(fleet.origin, flows);
      const user = await twoFactor.enrolledUser();
      const pendings: TestClient[] = [];
      for (let i = 0; i < 12; i += 1) pendings.push(await twoFactor.pendingClient(user.email, fleet.client(i % 3)));
      const code = user.recoveryCodes[0] ?? '';
      const replies = await Promise.all(pendings.map((client) => client.mutation('twoFactor.verify', { code, trustBrowser: false })));
      const codes = statuses(replies);
      expect(countOf(codes, 200)).toBe(1);
      // The others were refused, as a used code, or (past the account's 10 code checks) by its budget.
      expect(countOf(codes, 401)).toBeGreaterThan(1);
      expect(countOf(codes, 401) + countOf(codes, 429)).toBe(11);
      const [row] = await sql<{ used: number }[]>`
        select count(*)::int as used from recovery_codes where user_id = ${user.userId} and used_at is not null`;
      expect(row?.used).toBe(1);
    });

    it('one signed passkey assertion sent 12 times at once, across the three instances, opens one session', async () => {
      const { fleet, flows, sql } = context;
      const passkeys = passkeyFlows(fleet.origin, flows, () => fleet.client());
      const owner = await passkeys.passkeyOwner();
      const { browser, options } = await passkeys.signInAttempt();
      const response = owner.authenticator.assert(options);
      const replays = Array.from({ length: 12 }, (_, i) => fleet.sameBrowserOn(browser, i % 3));
      const replies = await Promise.all(replays.map((replay) => replay.mutation('passkeys.signIn', { response })));
      expect(countOf(statuses(replies), 200)).toBe(1);
      expect(countOf(statuses(replies), 401)).toBe(11);
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from sessions where user_id = ${owner.userId} and ip = ${browser.ip}`;
      expect(row?.n).toBe(1);
    });
  });

  it('restarts one instance at a time under load: no idempotent request sees a 5xx, no sign-in runs twice', async () => {
    const { fleet, flows, sql } = context;
    const email = await flows.signUpAndActivate();
    const readers = await Promise.all(Array.from({ length: 4 }, () => flows.signedIn(email)));
    const reads: string[] = [];
    const signIns: { ip: string; status: number }[] = [];
    let loading = true;
    const read = async (reader: TestClient) => {
      for (let i = 0; loading; i += 1) {
        const path = ['/account', '/login', '/api/health'][i % 3] ?? '/';
        reads.push(await readWhole(reader, path));
      }
    };
    const signIn = async () => {
      while (loading) {
        const visitor = fleet.client();
        await readWhole(visitor, '/login');
        const reply = await visitor.mutation('auth.login', { email, password: PASSWORD }).catch(() => ({ status: 0 }));
        signIns.push({ ip: visitor.ip, status: reply.status });
      }
    };
    const load = Promise.all([...readers.map(read), signIn(), signIn()]);
    const readsDuringRestart: number[] = [];
    for (const [instance, stopping] of [...fleet.instances].entries()) {
      // As a deployment would: the next instance goes only once nginx has taken the last one back (fail_timeout).
      await sleep(2_100);
      const before = reads.length;
      await fleet.restart(instance);
      readsDuringRestart.push(reads.length - before);
      // SIGTERM drained it: a forced kill (exit code null) would have cut answers the test could miss.
      expect(stopping.child.exitCode, stopping.output()).toBe(0);
    }
    await sleep(300);
    loading = false;
    await load;

    const ips = signIns.map((signIn) => signIn.ip);
    const sessions = await sql<{ ip: string; n: number }[]>`
      select s.ip, count(*)::int as n from sessions s join users u on u.id = s.user_id
      where u.email = ${email} and s.ip in ${sql(ips)} group by s.ip`;
    expect(sessions.filter((row) => row.n > 1)).toEqual([]);
    expect(sessions.length).toBeGreaterThanOrEqual(signIns.filter((signIn) => signIn.status === 200).length);
    // Each sign-in answered, or was refused whole: by a draining instance (503), or by nginx,
    // which never resends a POST (502).
    expect(signIns.filter((signIn) => ![200, 502, 503].includes(signIn.status))).toEqual([]);
    // The load ran through every restart, and got whole answers only: one cut off mid-body counts as a failure.
    expect(readsDuringRestart.every((count) => count > 0), String(readsDuringRestart)).toBe(true);
    expect(reads.filter((line) => !/ [234]\d\d$/.test(line))).toEqual([]);
  }, 180_000);

  it('delivers each outbox mail exactly once and sweeps without errors while three instances run housekeeping', async () => {
    const { fleet, sql } = context;
    const [smtpPort, webPort] = [await findFreePort(), await findFreePort()];
    const catcher = await startMailCatcher(smtpPort, webPort);
    try {
      const mailEnv = { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, HOUSEKEEPING_INTERVAL_MS: '200' };
      await fleet.restartAll(mailEnv);
      await sql`update auth_tokens set expires_at = now() - interval '400 days' where used_at is not null`;
      const addresses = Array.from({ length: 15 }, () => uniqueEmail('once'));
      const signUp = async (email: string) => (await fleet.client().start('/signup')).mutation('auth.signup', { email });
      const replies = await Promise.all(addresses.map(signUp));
      // A signup may meet a busy store (503); each accepted one writes its mail just after answering.
      const accepted = replies.filter((reply) => reply.status === 200).length;
      expect(accepted, String(replies.map((reply) => reply.status))).toBeGreaterThanOrEqual(addresses.length - 2);
      const outbox = () => sql<{ to: string; sent: boolean }[]>`
        select "to", sent_at is not null as sent from mail_outbox where "to" in ${sql(addresses)}`;
      const delivered = (rows: { sent: boolean }[]) => rows.length >= accepted && rows.every((row) => row.sent);
      for (let poll = 0; poll < 600 && !delivered(await outbox()); poll += 1) await sleep(100);
      await sleep(1_000); // a few more housekeeping rounds on every instance, in which a second delivery would land
      const rows = await outbox();
      expect(rows.length).toBe(accepted);
      expect(rows.filter((row) => !row.sent)).toEqual([]);
      const received = addresses.map((email) => catcher.mails.filter((mail) => mail.to === email).length);
      expect(received).toEqual(addresses.map((email) => rows.filter((row) => row.to === email).length));
      const [pending] = await sql<{ n: number }[]>`select count(*)::int as n from auth_tokens where expires_at < now() - interval '300 days'`;
      expect(pending?.n).toBe(0);
      // A signup refused by a busy store (503, allowed above) is logged as an error too; no other error is.
      const errors = (output: string) =>
        output.split('\n').filter((line) => /"level":(50|60)|housekeeping.*failed/.test(line) && !line.includes('"status":503'));
      for (const instance of fleet.instances) expect(errors(instance.output())).toEqual([]);
    } finally {
      await catcher.stop();
    }
  }, 120_000);
});
