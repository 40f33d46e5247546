import { desc, eq } from 'drizzle-orm';
import { auditEvents, users } from '@/db/schema';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { listSessions } from '@/server/auth/sessions';
import { sessionPolicy } from '@/server/auth/request-session';
import { getAuditLog } from '@/server/core/audit-log';
import { type Database, getDb } from '@/server/core/db';
import { auditEntry, type UserRequest } from '@/server/core/request-info';
import { listFiles } from '@/server/files/service';
import { listWebhooks } from '@/server/webhooks/service';
import { getLifecycleThrottles } from './throttles';

const ACTIVITY_ROWS = 1000;

// What each optional module keeps for a user, by its name in the export.
const moduleData: Record<string, (db: Database, userId: string) => PromiseLike<unknown>> = {
  files: listFiles,
  webhooks: listWebhooks,
};

async function exportModuleData(db: Database, userId: string): Promise<Record<string, unknown>> {
  const parts = Object.entries(moduleData).map(async ([name, list]) => [name, await list(db, userId)] as const);
  return Object.fromEntries(await Promise.all(parts));
}

/**
 * "Download my data": the account, its sessions, security activity and each module's data, each
 * through a selection that names its columns, so no hash, token, secret or stored path is in it.
 */
export async function exportAccountData(actor: UserRequest) {
  await getLifecycleThrottles().dataExport.reserveOrThrow(actor.userId);
  const db = getDb();
  const account = { id: users.id, email: users.email, createdAt: users.createdAt, activatedAt: users.activatedAt };
  const [user] = await db.select(account).from(users).where(eq(users.id, actor.userId));
  if (!user) throw new SessionEndedError();
  const activity = {
    event: auditEvents.event,
    ip: auditEvents.ip,
    userAgent: auditEvents.userAgent,
    at: auditEvents.createdAt,
  };
  const [sessions, securityActivity, modules] = await Promise.all([
    listSessions(db, actor.userId, sessionPolicy()),
    db.select(activity).from(auditEvents).where(eq(auditEvents.userId, actor.userId))
      .orderBy(desc(auditEvents.createdAt)).limit(ACTIVITY_ROWS),
    exportModuleData(db, actor.userId),
  ]);
  await getAuditLog().record(auditEntry(actor, 'data_export', actor.userId));
  return { exportedAt: new Date().toISOString(), account: user, sessions, securityActivity, ...modules };
}
