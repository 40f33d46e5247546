import { randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { and, desc, eq, sql } from 'drizzle-orm';
import { users, webhooks } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '../core/audit-log';
import { getConfig } from '../core/config';
import { getSecretBox } from '../core/encryption';
import { auditEntry, type UserRequest } from '../core/request-info';
import { NotFoundError, UnprocessableError } from '../security/errors';
import { createDnsResolver, type Resolver } from '../security/outbound-dns';
import { safeFetch, SsrfBlockedError, validateOutboundUrl } from '../security/ssrf';
import { sharedThrottle } from '../core/rate-limits';
import { SIGNATURE_HEADER, signWebhook } from './signature';

const MAX_WEBHOOKS = 20;

let outboundResolver: Resolver | undefined;

function fetchOptions() {
  const { ssrfTestAllowLoopbackPort, outboundAllowedHosts, outboundDns } = getConfig();
  // One resolver per process: its cap on lookups in flight is only a cap if everyone shares it.
  outboundResolver ??= createDnsResolver(outboundDns);
  return {
    resolver: outboundResolver,
    allowLoopbackPort: ssrfTestAllowLoopbackPort,
    allowHosts: outboundAllowedHosts.length > 0 ? outboundAllowedHosts : undefined,
  };
}

const NAME_REFUSAL = 'The host name does not resolve to a public address.';

/**
 * For a host *name*, "does not resolve" and "resolves to a private address" get the same answer,
 * so the webhook form cannot be used to map which internal names exist. (The precise reason is
 * kept in the audit log.) The host is the failing hop's: a redirect to an internal name gets the
 * same answer. IP literals keep their precise reason: they reveal nothing.
 */
function publicRefusal(error: SsrfBlockedError): { reason: string; message: string } {
  const aboutAddress = error.reason === 'dns-failure' || error.reason === 'blocked-address';
  if (aboutAddress && isIP(error.host ?? '') === 0) return { reason: 'unresolvable', message: NAME_REFUSAL };
  return { reason: error.reason, message: error.message };
}

/** Registrations per user and 10 minutes, counted before any DNS work: the cap of 20 plus room for typos. */
const registerThrottle = () => sharedThrottle({ namespace: 'webhook-register', maxAttempts: 30, windowSeconds: 600 });

export async function registerWebhook(db: Database, actor: UserRequest, url: string) {
  await registerThrottle().reserveOrThrow(actor.userId);
  try {
    await validateOutboundUrl(url, fetchOptions());
  } catch (error) {
    if (!(error instanceof SsrfBlockedError)) throw error;
    const details = { reason: error.reason, stage: 'register' };
    await getAuditLog().record(auditEntry(actor, 'webhook_blocked', actor.userId, details));
    throw new UnprocessableError(publicRefusal(error).message);
  }
  return db.transaction(async (tx) => {
    // Registrations of one user queue on their user row, so parallel requests cannot pass the cap together.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.userId)).for('update');
    const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(webhooks).where(eq(webhooks.ownerId, actor.userId));
    if (count >= MAX_WEBHOOKS) throw new UnprocessableError(`You can register at most ${MAX_WEBHOOKS} webhooks.`);
    const id = randomUUID();
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const [row] = await tx
      .insert(webhooks)
      .values({ id, ownerId: actor.userId, url, secret: sealSecret(id, secret) })
      .returning({ id: webhooks.id, url: webhooks.url });
    const entry = auditEntry(actor, 'webhook_registered', actor.userId, { webhookId: row?.id });
    await getAuditLog().record(entry, auditSink(tx));
    return row && { ...row, secret };
  });
}

/**
 * Signing secrets are stored sealed (AES-256-GCM, bound to the webhook's id): the server must
 * read them to sign each delivery, so they cannot be hashed, but a copy of the database must not
 * let anyone forge deliveries.
 */
const secretContext = (id: string) => `webhooks:${id}:secret`;
const sealSecret = (id: string, secret: string) => getSecretBox().encrypt(secret, secretContext(id));
const openSecret = (id: string, sealed: string) => getSecretBox().decrypt(sealed, secretContext(id));

/** Test sends per user and minute: enough to debug a receiver, too few to scan ports with. */
const sendThrottle = () => sharedThrottle({ namespace: 'webhook-test', maxAttempts: 10, windowSeconds: 60 });

/** What the owner sees of a webhook: never its signing secret, which is shown once at registration. */
const LISTED_WEBHOOK = {
  id: webhooks.id,
  url: webhooks.url,
  lastStatus: webhooks.lastStatus,
  lastTestedAt: webhooks.lastTestedAt,
  createdAt: webhooks.createdAt,
};

export function listWebhooks(db: Database, ownerId: string) {
  const owned = eq(webhooks.ownerId, ownerId);
  return db.select(LISTED_WEBHOOK).from(webhooks).where(owned).orderBy(desc(webhooks.createdAt));
}

export async function deleteWebhook(db: Database, ownerId: string, id: string): Promise<void> {
  const deleted = await db.delete(webhooks).where(and(
    eq(webhooks.id, id),
    eq(webhooks.ownerId, ownerId),
  )).returning({ id: webhooks.id });
  if (deleted.length === 0) throw new NotFoundError('No such webhook.');
}

export type TestOutcome = { ok: true; status: number } | { ok: false; reason: string; message: string };

/** Posts a signed test event through safeFetch and reports the status or the refusal reason. */
export async function sendTestEvent(db: Database, actor: UserRequest, id: string): Promise<TestOutcome> {
  const [hook] = await db.select().from(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.ownerId, actor.userId)));
  if (!hook) throw new NotFoundError('No such webhook.');
  await sendThrottle().reserveOrThrow(actor.userId);
  const body = JSON.stringify({ id: randomUUID(), type: 'bastion.test', createdAt: new Date().toISOString() });
  const timestamp = Math.floor(Date.now() / 1000);
  let outcome: TestOutcome;
  let precise: string | undefined;
  try {
    const response = await safeFetch(hook.url, {
      ...fetchOptions(),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(openSecret(hook.id, hook.secret), timestamp, body),
        'user-agent': 'Bastion-Webhooks/1.0',
      },
      originBoundHeaders: [SIGNATURE_HEADER],
      body,
      timeoutMs: 5000,
      maxResponseBytes: 64 * 1024,
    });
    outcome = { ok: true, status: response.status };
  } catch (error) {
    if (!(error instanceof SsrfBlockedError)) throw error;
    outcome = { ok: false, ...publicRefusal(error) };
    precise = error.reason;
  }
  const lastStatus = outcome.ok ? `HTTP ${outcome.status}` : `refused: ${outcome.reason}`;
  await db.update(webhooks).set({ lastStatus, lastTestedAt: sql`now()` }).where(and(eq(webhooks.id, hook.id), eq(webhooks.ownerId, actor.userId)));
  const details = { webhookId: hook.id, result: lastStatus, reason: precise };
  await getAuditLog().record(auditEntry(actor, outcome.ok ? 'webhook_sent' : 'webhook_blocked', actor.userId, details));
  return outcome;
}
