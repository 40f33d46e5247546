import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { webhooks } from '@/db/schema';
import type { Database } from '@/db/client';
import { getAuditLog } from './audit';
import { getConfig } from './config';
import { NotFoundError, UnprocessableError } from './security/errors';
import { safeFetch, SsrfBlockedError, validateOutboundUrl } from './security/ssrf';

type Actor = { userId: string; ip: string; userAgent: string; method?: string; path?: string };

const MAX_WEBHOOKS = 20;

function fetchOptions() {
  const { ssrfTestAllowLoopbackPort, outboundAllowedHosts } = getConfig();
  return { allowLoopbackPort: ssrfTestAllowLoopbackPort, allowHosts: outboundAllowedHosts.length > 0 ? outboundAllowedHosts : undefined };
}

/** Signature header receivers verify: HMAC-SHA256 over "<timestamp>.<body>" with the webhook's secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function registerWebhook(db: Database, actor: Actor, url: string) {
  await validateOutboundUrl(url, fetchOptions());
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(webhooks).where(eq(webhooks.ownerId, actor.userId));
  if (count >= MAX_WEBHOOKS) throw new UnprocessableError(`You can register at most ${MAX_WEBHOOKS} webhooks.`);
  const [row] = await db
    .insert(webhooks)
    .values({ ownerId: actor.userId, url, secret: `whsec_${randomBytes(24).toString('base64url')}` })
    .returning({ id: webhooks.id, url: webhooks.url, secret: webhooks.secret });
  await getAuditLog().record({ event: 'webhook_registered', userId: actor.userId, ip: actor.ip, userAgent: actor.userAgent, details: { webhookId: row?.id } });
  return row;
}

export function listWebhooks(db: Database, ownerId: string) {
  return db
    .select({ id: webhooks.id, url: webhooks.url, lastStatus: webhooks.lastStatus, lastTestedAt: webhooks.lastTestedAt, createdAt: webhooks.createdAt })
    .from(webhooks)
    .where(eq(webhooks.ownerId, ownerId))
    .orderBy(desc(webhooks.createdAt));
}

export async function deleteWebhook(db: Database, ownerId: string, id: string): Promise<void> {
  const deleted = await db.delete(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.ownerId, ownerId))).returning({ id: webhooks.id });
  if (deleted.length === 0) throw new NotFoundError('No such webhook.');
}

export type TestOutcome = { ok: true; status: number } | { ok: false; reason: string; message: string };

/** Posts a signed test event through safeFetch and reports the status or the refusal reason. */
export async function sendTestEvent(db: Database, actor: Actor, id: string): Promise<TestOutcome> {
  const [hook] = await db.select().from(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.ownerId, actor.userId)));
  if (!hook) throw new NotFoundError('No such webhook.');
  const body = JSON.stringify({ id: randomUUID(), type: 'bastion.test', createdAt: new Date().toISOString() });
  const timestamp = Math.floor(Date.now() / 1000);
  let outcome: TestOutcome;
  try {
    const response = await safeFetch(hook.url, {
      ...fetchOptions(),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'bastion-signature': signWebhook(hook.secret, timestamp, body), 'user-agent': 'Bastion-Webhooks/1.0' },
      body,
      timeoutMs: 5000,
      maxResponseBytes: 64 * 1024,
    });
    outcome = { ok: true, status: response.status };
  } catch (error) {
    if (!(error instanceof SsrfBlockedError)) throw error;
    outcome = { ok: false, reason: error.reason, message: error.message };
  }
  const lastStatus = outcome.ok ? `HTTP ${outcome.status}` : `refused: ${outcome.reason}`;
  await db.update(webhooks).set({ lastStatus, lastTestedAt: sql`now()` }).where(and(eq(webhooks.id, hook.id), eq(webhooks.ownerId, actor.userId)));
  await getAuditLog().record({
    event: outcome.ok ? 'webhook_sent' : 'webhook_blocked',
    userId: actor.userId,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details: { webhookId: hook.id, result: lastStatus },
  });
  return outcome;
}
