import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { and, desc, eq } from 'drizzle-orm';
import { files } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from './audit';
import { getConfig } from './config';
import { NotFoundError, PayloadTooLargeError } from './security/errors';
import { DEFAULT_ALLOWED_UPLOAD_TYPES, safeJoin, sanitizeFileName, sha256Hex, validateUpload, writeFileAtomic } from './security/upload';

type Actor = { userId: string; ip: string; userAgent: string; method?: string; path?: string };

const audit = (actor: Actor, event: 'file_uploaded' | 'file_deleted' | 'upload_rejected', details: Record<string, unknown>) => ({
  event,
  userId: actor.userId,
  ip: actor.ip,
  userAgent: actor.userAgent,
  method: actor.method,
  path: actor.path,
  details,
});

/**
 * Stores an upload: type decided from the bytes, name kept only as sanitised display text,
 * stored under a server-chosen UUID, written atomically, and recorded in the same transaction
 * (a failed write rolls the row back; a failed commit removes the file).
 */
export async function storeUpload(db: Database, actor: Actor, file: File) {
  const { uploadDir, uploadLimitBytes } = getConfig();
  if (file.size > uploadLimitBytes) throw new PayloadTooLargeError(uploadLimitBytes);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const detected = await validateUpload({ bytes, declaredType: file.type, fileName: file.name, allowed: DEFAULT_ALLOWED_UPLOAD_TYPES }).catch(
    async (error: unknown) => {
      await getAuditLog().record(audit(actor, 'upload_rejected', { reason: error instanceof Error ? error.message : 'invalid', size: bytes.length }));
      throw error;
    },
  );
  const storedName = randomUUID();
  let writtenPath: string | undefined;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(files)
        .values({ ownerId: actor.userId, displayName: sanitizeFileName(file.name), storedName, mime: detected.mime, sizeBytes: bytes.length, sha256: sha256Hex(bytes) })
        .returning();
      if (!row) throw new Error('file insert returned no row');
      writtenPath = await writeFileAtomic(uploadDir, storedName, bytes);
      await getAuditLog().record(audit(actor, 'file_uploaded', { fileId: row.id, mime: row.mime, size: row.sizeBytes }), auditSink(tx));
      return row;
    });
  } catch (error) {
    if (writtenPath) await unlink(writtenPath).catch(() => undefined);
    throw error;
  }
}

export function listFiles(db: Database, ownerId: string) {
  return db
    .select({ id: files.id, displayName: files.displayName, mime: files.mime, sizeBytes: files.sizeBytes, createdAt: files.createdAt })
    .from(files)
    .where(eq(files.ownerId, ownerId))
    .orderBy(desc(files.createdAt));
}

/** Ownership is part of the query: another user's file and an unknown id are the same 404. */
export async function findOwnFile(db: Database, ownerId: string, id: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError('No such file.');
  const [row] = await db.select().from(files).where(and(eq(files.id, id), eq(files.ownerId, ownerId)));
  if (!row) throw new NotFoundError('No such file.');
  return { ...row, path: await safeJoin(getConfig().uploadDir, row.storedName) };
}

export async function deleteOwnFile(db: Database, actor: Actor, id: string): Promise<void> {
  const file = await findOwnFile(db, actor.userId, id);
  await db.transaction(async (tx) => {
    await tx.delete(files).where(and(eq(files.id, file.id), eq(files.ownerId, actor.userId)));
    await getAuditLog().record(audit(actor, 'file_deleted', { fileId: file.id }), auditSink(tx));
  });
  await unlink(file.path).catch(() => undefined);
}
