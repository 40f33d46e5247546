import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { and, desc, eq, sql } from 'drizzle-orm';
import { files, users } from '@/db/schema';
import type { Database } from '@/db/client';
import type { Transaction } from '../core/db';
import { auditSink, getAuditLog } from '../core/audit-log';
import { getConfig } from '../core/config';
import { getLogger } from '../core/log';
import { auditEntry, type UserRequest } from '../core/request-info';
import { NotFoundError, PayloadTooLargeError, UnprocessableError } from '../security/errors';
import { DEFAULT_ALLOWED_UPLOAD_TYPES, safeJoin, sanitizeFileName, sha256Hex, validateUpload, writeFileAtomic } from '../security/upload';

type FileEvent = 'file_uploaded' | 'file_deleted' | 'upload_rejected';

const audit = (actor: UserRequest, event: FileEvent, details: Record<string, unknown>) =>
  auditEntry(actor, event, actor.userId, details);

/**
 * Stores an upload: type decided from the bytes, name kept only as sanitised display text,
 * stored under a server-chosen UUID and written atomically *before* the transaction (no database
 * connection waits on the disk), then recorded with the quota check in one transaction. If the
 * transaction fails, the file is removed again.
 */
export async function storeUpload(db: Database, actor: UserRequest, file: File) {
  const { uploadDir, uploadLimitBytes, uploadQuotaBytes, uploadMaxFiles } = getConfig();
  if (file.size > uploadLimitBytes) throw new PayloadTooLargeError(uploadLimitBytes);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const detected = await validateUpload({
    bytes,
    declaredType: file.type,
    fileName: file.name,
    allowed: DEFAULT_ALLOWED_UPLOAD_TYPES,
  }).catch(
    async (error: unknown) => {
      await getAuditLog().record(audit(actor, 'upload_rejected', { reason: error instanceof Error ? error.message : 'invalid', size: bytes.length }));
      throw error;
    },
  );
  const storedName = randomUUID();
  const writtenPath = await writeFileAtomic(uploadDir, storedName, bytes);
  try {
    return await db.transaction(async (tx) => {
      // One user's uploads queue on their user row, so parallel uploads cannot overshoot the quota together.
      await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.userId)).for('update');
      const [usage = { count: 0, bytes: 0 }] = await tx
        .select({ count: sql<number>`count(*)::int`, bytes: sql<number>`coalesce(sum(${files.sizeBytes}), 0)::float8` })
        .from(files)
        .where(eq(files.ownerId, actor.userId));
      if (usage.count + 1 > uploadMaxFiles || usage.bytes + bytes.length > uploadQuotaBytes) {
        throw new UnprocessableError('Your file storage is full. Delete some files to upload more.');
      }
      const [row] = await tx
        .insert(files)
        .values({
          ownerId: actor.userId,
          displayName: sanitizeFileName(file.name),
          storedName,
          mime: detected.mime,
          sizeBytes: bytes.length,
          sha256: sha256Hex(bytes),
        })
        .returning();
      if (!row) throw new Error('file insert returned no row');
      await getAuditLog().record(audit(actor, 'file_uploaded', { fileId: row.id, mime: row.mime, size: row.sizeBytes }), auditSink(tx));
      return row;
    });
  } catch (error) {
    await removeStored(writtenPath);
    throw error;
  }
}

/** A file whose row is gone (or never came) is removed; a failure is logged, not thrown at the user. */
async function removeStored(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'ENOENT') getLogger().warn({ err: error, path }, 'could not remove a stored file');
  });
}

/** Removes the bytes of files whose rows were deleted; housekeeping removes any a crash leaves behind. */
export async function removeStoredFiles(storedNames: string[]): Promise<void> {
  const { uploadDir } = getConfig();
  for (const storedName of storedNames) await removeStored(await safeJoin(uploadDir, storedName));
}

/**
 * Account deletion, inside its transaction: notes the user's stored files before their rows cascade
 * away, and returns what removes their bytes once the deletion has committed.
 */
export async function prepareFilesRemoval(tx: Transaction, ownerId: string): Promise<() => Promise<void>> {
  const owned = await tx.select({ storedName: files.storedName }).from(files).where(eq(files.ownerId, ownerId));
  return () => removeStoredFiles(owned.map((file) => file.storedName));
}

/** What the owner sees of a file: never its stored name or path on disk. */
const LISTED_FILE = {
  id: files.id,
  displayName: files.displayName,
  mime: files.mime,
  sizeBytes: files.sizeBytes,
  createdAt: files.createdAt,
};

export function listFiles(db: Database, ownerId: string) {
  return db.select(LISTED_FILE).from(files).where(eq(files.ownerId, ownerId)).orderBy(desc(files.createdAt));
}

/** Ownership is part of the query: another user's file and an unknown id are the same 404. */
export async function findOwnFile(db: Database, ownerId: string, id: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError('No such file.');
  const [row] = await db.select().from(files).where(and(eq(files.id, id), eq(files.ownerId, ownerId)));
  if (!row) throw new NotFoundError('No such file.');
  return { ...row, path: await safeJoin(getConfig().uploadDir, row.storedName) };
}

export async function deleteOwnFile(db: Database, actor: UserRequest, id: string): Promise<void> {
  const file = await findOwnFile(db, actor.userId, id);
  await db.transaction(async (tx) => {
    await tx.delete(files).where(and(eq(files.id, file.id), eq(files.ownerId, actor.userId)));
    await getAuditLog().record(audit(actor, 'file_deleted', { fileId: file.id }), auditSink(tx));
  });
  await removeStored(file.path);
}
