import { eq } from 'drizzle-orm';
import { files, users } from '@/db/schema';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { getDb } from '@/server/core/db';
import { auditEntry } from '@/server/core/request-info';
import { removeStoredFiles } from '@/server/files/service';
import { deliverMailSoon, enqueueMail } from '@/server/mail';
import { UnprocessableError } from '@/server/security/errors';
import { accountDeletedMail } from './mails';
import { checkCurrentPassword, type PasswordCheck } from './current-password-check';

/**
 * Deletes the account and everything that hangs off it (sessions, tokens, devices, files, webhooks:
 * their rows cascade) in one transaction, then the files' bytes. Audit rows stay, their user id
 * cleared by the foreign key. A crash before the bytes are gone leaves files without a row, which
 * housekeeping removes.
 */
export async function deleteAccount(typed: PasswordCheck, confirmEmail: string): Promise<void> {
  const { email } = await checkCurrentPassword(typed);
  if (confirmEmail !== email) throw new UnprocessableError('Type the address of your account exactly to confirm.');
  const { userId } = typed.auth;
  const storedNames = await getDb().transaction(async (tx) => {
    const owned = await tx.select({ storedName: files.storedName }).from(files).where(eq(files.ownerId, userId));
    const [deleted] = await tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
    if (!deleted) throw new SessionEndedError();
    await getAuditLog().record(auditEntry(typed.request, 'account_deleted', null), auditSink(tx));
    await enqueueMail(tx, accountDeletedMail(email, new Date()));
    return owned.map((file) => file.storedName);
  });
  deliverMailSoon();
  await removeStoredFiles(storedNames);
}
