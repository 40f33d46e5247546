import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import { authTokens, users } from '@/db/schema';
import { getAuthThrottles } from '@/server/auth/login-throttles';
import { revokeUserSessions } from '@/server/auth/sessions';
import { consumeAuthToken, issueAuthToken, revokeAuthTokens } from '@/server/auth/tokens';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { getDb, type Transaction } from '@/server/core/db';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { deliverMailSoon, enqueueMail } from '@/server/mail';
import { ipBucket } from '@/server/security/client-ip';
import { UnprocessableError } from '@/server/security/errors';
import { DeadLinkError, isUniqueViolation } from './errors';
import { appLink } from './links';
import { emailChangeConfirmMail, emailChangedMail, emailChangeTakenMail, emailChangeUndoneMail } from './mails';
import { checkCurrentPassword, type PasswordCheck } from './current-password-check';
import { getLifecycleThrottles } from './throttles';

const TAKEN = 'That address now belongs to another account.';

/**
 * Mails a confirmation link to the new address, or, when another account holds it, a "someone tried
 * to use your address" notice to that account instead: the caller gets the same answer either way.
 */
export async function requestEmailChange(typed: PasswordCheck, newEmail: string): Promise<void> {
  const throttles = getLifecycleThrottles();
  const { userId } = typed.auth;
  await throttles.emailChangeUser.reserveOrThrow(userId);
  const { email } = await checkCurrentPassword(typed);
  if (newEmail === email) throw new UnprocessableError('That is already the address of your account.');
  await throttles.emailChangeTarget.reserveOrThrow(newEmail);
  await getDb().transaction(async (tx) => {
    const [holder] = await tx.select({ id: users.id }).from(users).where(eq(users.email, newEmail));
    await getAuditLog().record(auditEntry(typed.request, 'email_change_requested', userId), auditSink(tx));
    if (holder) return enqueueMail(tx, emailChangeTakenMail(newEmail));
    const token = await issueAuthToken(tx, userId, 'email_change', { email: newEmail });
    await enqueueMail(tx, emailChangeConfirmMail(newEmail, appLink('/account/confirm-email', token)));
  });
  deliverMailSoon();
}

/** Runs a token's transaction; a unique violation (the address taken meanwhile) changes nothing. */
async function changingAddress(work: (tx: Transaction) => Promise<void>): Promise<void> {
  try {
    await getDb().transaction(work);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DeadLinkError(TAKEN);
    throw error;
  }
  deliverMailSoon();
}

/** The new address's owner followed the link: the change happens, and the old address gets an undo link. */
export async function confirmEmailChange(token: string, request: RequestInfo): Promise<void> {
  await getAuthThrottles().tokenUseIp.reserveOrThrow(ipBucket(request.ip));
  await changingAddress(async (tx) => {
    const used = await consumeAuthToken(tx, token, 'email_change');
    if (!used?.email) throw new DeadLinkError();
    const [before] = await tx.select({ email: users.email }).from(users).where(eq(users.id, used.userId)).for('update');
    if (!before) throw new DeadLinkError();
    await tx.update(users).set({ email: used.email, updatedAt: sql`now()` }).where(eq(users.id, used.userId));
    await revokeAuthTokens(tx, used.userId); // reset links mailed to the old address stop working
    const undo = await issueAuthToken(tx, used.userId, 'email_change_undo', { email: before.email });
    await enqueueMail(tx, emailChangedMail(before.email, used.email, appLink('/account/undo-email', undo)));
    await getAuditLog().record(auditEntry(request, 'email_changed', used.userId), auditSink(tx));
  });
}

/**
 * Restores the address the link was mailed to and signs out every session. Undo links of later
 * changes die with it; those of earlier changes stay, so whoever made a later change cannot use
 * its link to take away the first address's way back.
 */
export async function undoEmailChange(token: string, request: RequestInfo): Promise<void> {
  await getAuthThrottles().tokenUseIp.reserveOrThrow(ipBucket(request.ip));
  await changingAddress(async (tx) => {
    const used = await consumeAuthToken(tx, token, 'email_change_undo');
    if (!used?.email) throw new DeadLinkError();
    const restored = { email: used.email, credentialEpoch: sql`${users.credentialEpoch} + 1`, updatedAt: sql`now()` };
    await tx.update(users).set(restored).where(eq(users.id, used.userId));
    await revokeAuthTokens(tx, used.userId);
    const laterUndo = and(eq(authTokens.purpose, 'email_change_undo'), gte(authTokens.createdAt, used.createdAt));
    await tx.delete(authTokens).where(and(eq(authTokens.userId, used.userId), isNull(authTokens.usedAt), laterUndo));
    const revoked = await revokeUserSessions(tx, used.userId);
    await enqueueMail(tx, emailChangeUndoneMail(used.email));
    const details = { sessionsRevoked: revoked };
    await getAuditLog().record(auditEntry(request, 'email_change_undone', used.userId, details), auditSink(tx));
  });
}
