import { and, desc, eq } from 'drizzle-orm';
import { passkeys, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { enqueueMail } from '@/server/mail/outbox';
import { passkeyRemovedMail } from './mail';

export async function listPasskeys(db: Database, userId: string) {
  return db
    .select({
      id: passkeys.id,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
      backedUp: passkeys.backedUp,
    })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(desc(passkeys.createdAt));
}

/** Only the owner's own passkey is renamed; false for any other id. */
export async function renamePasskey(
  db: Database,
  userId: string,
  input: { id: string; name: string },
  request: RequestInfo,
) {
  const [renamed] = await db
    .update(passkeys)
    .set({ name: input.name })
    .where(and(eq(passkeys.id, input.id), eq(passkeys.userId, userId)))
    .returning({ id: passkeys.id });
  if (renamed) await getAuditLog().record(auditEntry(request, 'passkey_renamed', userId, { passkeyId: renamed.id }));
  return Boolean(renamed);
}

/** Deletes the owner's passkey and mails the owner, in one transaction; false for any other id. */
export async function deletePasskey(db: Database, userId: string, id: string, request: RequestInfo) {
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(passkeys)
      .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
      .returning({ id: passkeys.id, name: passkeys.name });
    if (!removed) return false;
    const [owner] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (owner) await enqueueMail(tx, passkeyRemovedMail(owner.email, removed.name, new Date()));
    await getAuditLog().record(auditEntry(request, 'passkey_removed', userId, { passkeyId: removed.id }), auditSink(tx));
    return true;
  });
}
