import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { getDb, type Transaction } from '@/server/core/db';
import { auditEntry } from '@/server/core/request-info';
import { prepareFilesRemoval } from '@/server/files/service';
import { deliverMailSoon, enqueueMail } from '@/server/mail';
import { UnprocessableError } from '@/server/security/errors';
import { accountDeletedMail } from './mails';
import { checkCurrentPassword, type PasswordCheck } from './current-password-check';

/** A module's part in deleting an account: reads in the transaction, cleans up outside it after commit. */
type DeletionStep = (tx: Transaction, userId: string) => Promise<() => Promise<void>>;

// Modules whose data lives outside the database too; rows of every module cascade with the user.
const deletionSteps: DeletionStep[] = [
  prepareFilesRemoval,
];

/**
 * Deletes the account and everything that hangs off it (sessions, tokens, devices and every
 * module's rows cascade) in one transaction, then what modules keep outside the database (a file's
 * bytes). Audit rows stay, their user id cleared by the foreign key. A crash before the bytes are
 * gone leaves files without a row, which housekeeping removes.
 */
export async function deleteAccount(typed: PasswordCheck, confirmEmail: string): Promise<void> {
  const { email } = await checkCurrentPassword(typed);
  if (confirmEmail !== email) throw new UnprocessableError('Type the address of your account exactly to confirm.');
  const { userId } = typed.auth;
  const cleanUps = await getDb().transaction(async (tx) => {
    const pending: Array<() => Promise<void>> = [];
    for (const step of deletionSteps) pending.push(await step(tx, userId));
    const [deleted] = await tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
    if (!deleted) throw new SessionEndedError();
    await getAuditLog().record(auditEntry(typed.request, 'account_deleted', null), auditSink(tx));
    await enqueueMail(tx, accountDeletedMail(email, new Date()));
    return pending;
  });
  deliverMailSoon();
  for (const cleanUp of cleanUps) await cleanUp();
}
