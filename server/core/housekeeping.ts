// Periodic upkeep, started once per process by scripts/boot.ts: retries mail left in the outbox,
// and deletes expired sessions, spent or expired auth tokens, ended throttle counters and audit
// rows past their retention.
// Every task is safe to run on many instances at once (idempotent deletes, SKIP LOCKED claims).
import { lt, or, sql } from 'drizzle-orm';
import { auditEvents, authTokens } from '@/db/schema';
import { deleteExpiredSessions, type SessionPolicy } from '../auth/sessions';
import { getConfig } from './config';
import { type Database, getDb, getSqlClient } from './db';
import { getLogger } from './log';
import { deliverPendingMail, type MailTransport } from '../mail/outbox';
import { getMailTransport, mailLeaseSeconds } from '../mail';
import { getSecretBox } from './encryption';
import type { SecretBox } from '../security/encryption';
import { getRedis } from './redis';
import { PostgresThrottleStore } from '../security/throttle-postgres';
import { deleteStrayFiles } from '../files/stray-files';
import { deleteExpiredChallenges } from '../passkeys/challenges';

/** Spent or expired tokens are kept this long after they stop working (for support questions), then deleted. */
const TOKEN_RETENTION = sql`now() - interval '7 days'`;

type CoreReport = {
  mailSent: number;
  sessionsDeleted: number;
  tokensDeleted: number;
  throttleRowsDeleted: number;
  auditRowsDeleted: number;
};

/**
 * Audit rows are deleted in batches this large, at most AUDIT_BATCHES of them a pass, so a sweep never holds long
 * locks.
 */
const AUDIT_BATCH = 5_000;
const AUDIT_BATCHES = 20;

async function deleteOldAuditRows(db: Database, retentionDays: number): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < AUDIT_BATCHES; batch += 1) {
    const rows = await db.execute<{ id: string }>(sql`
      delete from ${auditEvents} where id in (
        select id from ${auditEvents}
        where created_at < now() - make_interval(days => ${retentionDays})
        limit ${AUDIT_BATCH}
        for update skip locked
      ) returning id`);
    deleted += rows.length;
    if (rows.length < AUDIT_BATCH) break;
  }
  return deleted;
}

export type HousekeepingDeps = {
  db: Database;
  /** The Postgres throttle store to sweep; null when throttles live in Redis (which expires its own keys). */
  throttleStore: PostgresThrottleStore | null;
  /** null when there is no SMTP transport: mail then waits in the outbox (/dev/mailbox in development). */
  transport: MailTransport | null;
  /** Opens the outbox's sealed bodies. */
  secretBox: SecretBox;
  mailLeaseSeconds: number;
  auditRetentionDays: number;
  sessionPolicy: SessionPolicy;
  /** The upload store to sweep for files without a row; null to skip. */
  uploadDir: string | null;
  log: { warn(object: object, message: string): void };
};

type ModuleSweep = (deps: HousekeepingDeps) => Promise<number>;

/** Sweeps of optional modules, each reported under its name. */
const moduleSweeps = {
  strayFilesDeleted: ({ db, uploadDir }) => (uploadDir ? deleteStrayFiles(db, uploadDir) : Promise.resolve(0)),
  challengesDeleted: ({ db }) => deleteExpiredChallenges(db),
} satisfies Record<string, ModuleSweep>;

export type HousekeepingReport = CoreReport & Record<keyof typeof moduleSweeps, number>;

/** One pass of every task; each failure is logged and does not stop the others. */
export async function runHousekeeping(deps: HousekeepingDeps): Promise<HousekeepingReport> {
  const { db, throttleStore, transport, sessionPolicy, log } = deps;
  const attempt = async (task: string, run: () => Promise<number>) =>
    run().catch((error: unknown) => {
      log.warn({ err: error, task }, 'housekeeping task failed; will retry');
      return 0;
    });
  const core: CoreReport = {
    mailSent: transport
      ? await attempt('mail', () => deliverPendingMail(db, transport, { box: deps.secretBox, leaseSeconds: deps.mailLeaseSeconds }))
      : 0,
    sessionsDeleted: await attempt('sessions', () => deleteExpiredSessions(db, sessionPolicy)),
    tokensDeleted: await attempt('tokens', async () => {
      const rows = await db
        .delete(authTokens)
        .where(or(lt(authTokens.expiresAt, TOKEN_RETENTION), lt(authTokens.usedAt, TOKEN_RETENTION)))
        .returning({ id: authTokens.id });
      return rows.length;
    }),
    throttleRowsDeleted: throttleStore ? await attempt('throttle', () => throttleStore.deleteExpired()) : 0,
    auditRowsDeleted: await attempt('audit', () => deleteOldAuditRows(db, deps.auditRetentionDays)),
  };
  const modules: Record<string, number> = {};
  for (const [name, sweep] of Object.entries<ModuleSweep>(moduleSweeps)) {
    modules[name] = await attempt(name, () => sweep(deps));
  }
  return { ...core, ...(modules as Record<keyof typeof moduleSweeps, number>) };
}

/** The app's own dependencies, from configuration. */
function appDeps(): HousekeepingDeps {
  const config = getConfig();
  const db = getDb();
  const client = getSqlClient();
  return {
    db,
    throttleStore: getRedis() ? null : new PostgresThrottleStore(client),
    transport: getMailTransport(),
    secretBox: getSecretBox(),
    mailLeaseSeconds: mailLeaseSeconds(),
    auditRetentionDays: config.auditRetentionDays,
    sessionPolicy: { idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds },
    uploadDir: config.uploadDir,
    log: getLogger(),
  };
}

/** Runs runHousekeeping every `intervalMs` (never two passes at once); returns a stop function. */
export function startHousekeeping(intervalMs = 60_000, deps: HousekeepingDeps = appDeps()): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runHousekeeping(deps)
      .then((report) => {
        if (Object.values(report).some((count) => count > 0)) getLogger().info(report, 'housekeeping');
      })
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
