// Webhook registration and delivery against a nameserver on loopback that answers, refuses or
// never answers: DNS stays bounded and throttled, refusals after a redirect reveal nothing about
// internal names, and a delivery's signature never follows a redirect to another origin.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '@/test/app';
import { testSql, type TestSql } from '@/test/db';
import { type FakeDns, startFakeDns } from '@/test/fake-dns';
import { signedInUser as signUpAndSignIn } from '@/test/users';
import { startWebhookReceiver, type WebhookReceiver } from '@/test/webhook-receiver';
import { verifyWebhookSignature } from './signature';

const databaseUrl = inject('databaseUrl');
const redisUrl = inject('redisUrl');
const MAX_LOOKUPS = 4;
const NAME_REFUSAL = 'The host name does not resolve to a public address.';

let app: RunningApp;
let sql: TestSql;
let dns: FakeDns;
let receiver: WebhookReceiver;
let receiverPort = 0;

beforeAll(async () => {
  sql = testSql(databaseUrl);
  dns = await startFakeDns({
    'public.test': ['93.184.216.34'],
    'receiver.test': ['127.0.0.1'],
    'internal.test': ['10.0.0.1'],
  });
  receiver = await startWebhookReceiver({
    '/to-same-origin': () => '/hook',
    '/to-other-origin': (port) => `http://receiver.test:${port}/hook`,
    '/to-private-name': () => 'http://internal.test/',
    '/to-missing-name': () => 'http://missing.test/',
  });
  receiverPort = receiver.port;
  // NODE_ENV=test: the SSRF test switch is refused in production, so this app runs as "test".
  app = await startApp({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl ?? undefined,
    SSRF_TEST_ALLOW_LOOPBACK_PORT: String(receiverPort),
    OUTBOUND_DNS_SERVERS: dns.server,
    OUTBOUND_DNS_TIMEOUT_MS: '5000',
    OUTBOUND_DNS_MAX_CONCURRENT: String(MAX_LOOKUPS),
  });
});
afterAll(async () => {
  await app?.stop();
  await sql?.end();
  await dns?.close();
  await receiver?.close();
});

const signedInUser = () => signUpAndSignIn(sql, app.origin, 'webhooks');
const register = (client: Awaited<ReturnType<typeof signedInUser>>, url: string) =>
  client.mutation<{ id: string; secret: string }>('webhooks.register', { url });
const asked = (name: string) => dns.queries.includes(name);

describe('webhook registration and DNS', () => {
  it('resolves host names with the configured nameserver, not the system resolver', async () => {
    const client = await signedInUser();
    const reply = await register(client, 'https://public.test/hook');
    expect(reply.status, reply.text).toBe(200);
    expect(asked('public.test')).toBe(true);
  });

  it('refuses a name whose nameserver never answers with the usual answer, once the lookup gives up', async () => {
    const client = await signedInUser();
    const reply = await register(client, 'https://stall.slow.test/hook');
    expect(reply.status).toBe(422);
    expect(reply.error?.message).toBe(NAME_REFUSAL);
    expect(asked('stall.slow.test')).toBe(true);
  });

  it('throttles registrations per user before resolving: attempt 31 answers 429 and asks no nameserver', async () => {
    const client = await signedInUser();
    const urls = Array.from({ length: 30 }, (_, i) => `http://10.0.0.${i + 1}/`);
    const refused = await Promise.all(urls.map((url) => register(client, url)));
    expect(refused.map((reply) => reply.status)).toEqual(Array(30).fill(422));
    const throttled = await register(client, 'https://stall.throttled.test/hook');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(asked('stall.throttled.test')).toBe(false);
  });

  it(`keeps at most ${MAX_LOOKUPS} lookups in flight: the rest answer 429 and reach no nameserver`, async () => {
    const [alice, bob] = await Promise.all([signedInUser(), signedInUser()]);
    const names = Array.from({ length: 2 * MAX_LOOKUPS }, (_, i) => `stall.cap-${i}.test`);
    const replies = await Promise.all(names.map((name, i) => register(i % 2 === 0 ? alice : bob, `https://${name}/`)));
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 422)).toHaveLength(MAX_LOOKUPS);
    expect(statuses.filter((status) => status === 429)).toHaveLength(MAX_LOOKUPS);
    expect(names.filter(asked)).toHaveLength(MAX_LOOKUPS);
  });
});

describe('webhook test deliveries', () => {
  it('gives one answer for a redirect to an internal name, whether or not it resolves (no DNS oracle)', async () => {
    const client = await signedInUser();
    const outcomes = [];
    for (const path of ['/to-private-name', '/to-missing-name']) {
      const { data: hook } = await register(client, `http://127.0.0.1:${receiverPort}${path}`);
      outcomes.push((await client.mutation('webhooks.sendTest', { id: hook?.id })).data);
    }
    expect(asked('internal.test') && asked('missing.test')).toBe(true);
    expect(outcomes[0]).toEqual({ ok: false, reason: 'unresolvable', message: NAME_REFUSAL });
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('signs a timestamp and a unique event id, and keeps the signature on a same-origin redirect', async () => {
    const client = await signedInUser();
    const { data: hook } = await register(client, `http://127.0.0.1:${receiverPort}/to-same-origin`);
    for (let i = 0; i < 2; i++) {
      expect((await client.mutation('webhooks.sendTest', { id: hook?.id })).data).toEqual({ ok: true, status: 204 });
    }
    const [first, second] = receiver.deliveries.slice(-2);
    for (const delivery of [first, second]) {
      expect(`${delivery?.host}${delivery?.path}`).toBe(`127.0.0.1:${receiverPort}/hook`);
      const signed = { secret: hook?.secret ?? '', header: delivery?.signature ?? '', body: delivery?.body ?? '' };
      expect(verifyWebhookSignature(signed)).toBe(true);
    }
    const ids = [first, second].map((delivery) => (JSON.parse(delivery?.body ?? '{}') as { id?: string }).id);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('drops the signature when a redirect leads to another origin', async () => {
    const client = await signedInUser();
    const { data: hook } = await register(client, `http://127.0.0.1:${receiverPort}/to-other-origin`);
    expect((await client.mutation('webhooks.sendTest', { id: hook?.id })).data).toEqual({ ok: true, status: 204 });
    const delivery = receiver.deliveries.at(-1);
    expect(`${delivery?.host}${delivery?.path}`).toBe(`receiver.test:${receiverPort}/hook`);
    expect(delivery?.body).toContain('bastion.test');
    expect(delivery?.signature).toBeUndefined();
  });
});

describe('webhook refusals, caps and test sends', () => {
  it.each(['http://127.0.0.1:1/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://[::1]/', 'http://2130706433/', 'file:///etc/passwd', 'http://user:pw@example.com/'])(
    'refuses to register %s with a reason',
    async (url) => {
      const client = await signedInUser();
      const reply = await register(client, url);
      expect(reply.status).toBe(422);
      expect(reply.error?.message).toBeTruthy();
    },
  );

  it('answers alike for a host name that does not resolve and one that resolves to a private address (no DNS oracle)', async () => {
    const client = await signedInUser();
    const privateName = await register(client, 'http://internal.test/');
    const missingName = await register(client, 'http://missing.test/');
    expect([privateName.status, missingName.status]).toEqual([422, 422]);
    expect(privateName.error?.message).toBe(NAME_REFUSAL);
    expect(missingName.error?.message).toBe(privateName.error?.message);
  });

  it('caps webhooks per user even under 30 parallel registrations', async () => {
    const client = await signedInUser();
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => register(client, `http://127.0.0.1:${receiverPort}/hook/${i}`)));
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(20);
    expect(replies.filter((reply) => reply.status === 422)).toHaveLength(10);
    expect((await client.query<unknown[]>('webhooks.list')).data).toHaveLength(20);
  });

  it('throttles test sends per user (no port scanning through the webhook tester)', async () => {
    const client = await signedInUser();
    const registered = await register(client, `http://127.0.0.1:${receiverPort}/hook`);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await client.mutation('webhooks.sendTest', { id: registered.data?.id })).status);
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('sends a signed test event to a permitted target, and keeps webhooks owner-scoped', async () => {
    const client = await signedInUser();
    const registered = await register(client, `http://127.0.0.1:${receiverPort}/hook`);
    expect(registered.status, registered.text).toBe(200);
    const sent = await client.mutation<{ ok: boolean; status: number }>('webhooks.sendTest', { id: registered.data?.id });
    expect(sent.data).toEqual({ ok: true, status: 204 });
    const delivery = receiver.deliveries.at(-1);
    const [, timestamp, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery?.signature ?? '') ?? [];
    expect(mac).toBe(createHmac('sha256', registered.data?.secret ?? '').update(`${timestamp}.${delivery?.body}`).digest('hex'));
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ type: expect.any(String) });
    // At rest the secret is sealed: the row alone cannot sign a delivery.
    const [row] = await sql<{ secret: string }[]>`select secret from webhooks where id = ${registered.data?.id ?? ''}`;
    expect(registered.data?.secret).toMatch(/^whsec_/);
    expect(row?.secret).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(row?.secret).not.toContain(registered.data?.secret ?? 'missing');
    const stranger = await signedInUser();
    expect((await stranger.mutation('webhooks.sendTest', { id: registered.data?.id })).status).toBe(404);
    expect((await stranger.query<unknown[]>('webhooks.list')).data).toEqual([]);
  });
});
