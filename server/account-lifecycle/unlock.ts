import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { runAfterResponse } from '@/server/auth/background';
import type { DeviceAccount } from '@/server/auth/device-cookie';
import { getAuthThrottles } from '@/server/auth/login-throttles';
import { consumeAuthToken, issueAuthToken } from '@/server/auth/tokens';
import type { LockoutListener } from '@/server/auth/user-auth-service';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { getDb } from '@/server/core/db';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { deliverMailSoon, enqueueMail } from '@/server/mail';
import { ipBucket } from '@/server/security/client-ip';
import { DeadLinkError } from './errors';
import { appLink } from './links';
import { unlockMail } from './mails';

/**
 * Called once per lockout: mails the owner a link, valid as long as the lock, that makes the browser
 * following it a known device of the account, whose sign-ins spend a budget of their own.
 */
export const mailUnlockLink: LockoutListener = (account, lockSeconds, request) => {
  runAfterResponse('unlock-mail', async () => {
    await getDb().transaction(async (tx) => {
      const token = await issueAuthToken(tx, account.id, 'unlock', { lifetimeSeconds: lockSeconds });
      await enqueueMail(tx, unlockMail(account.email, appLink('/unlock', token), Math.ceil(lockSeconds / 60)));
      const details = { lockSeconds };
      await getAuditLog().record(auditEntry(request, 'account_locked', account.id, details), auditSink(tx));
    });
    deliverMailSoon();
  });
};

/** Consumes the link while the account is still locked; answers the account for the device cookie. */
export async function useUnlockLink(token: string, request: RequestInfo): Promise<DeviceAccount> {
  const throttles = getAuthThrottles();
  await throttles.tokenUseIp.reserveOrThrow(ipBucket(request.ip));
  return getDb().transaction(async (tx) => {
    const used = await consumeAuthToken(tx, token, 'unlock');
    if (!used) throw new DeadLinkError();
    const [account] = await tx
      .select({ email: users.email, epoch: users.credentialEpoch })
      .from(users)
      .where(eq(users.id, used.userId));
    if (!account) throw new DeadLinkError();
    // The lock was lifted (its owner signed in, or it ran out): the link goes with it.
    if (!(await throttles.loginAccount.status(account.email)).blocked) throw new DeadLinkError();
    await getAuditLog().record(auditEntry(request, 'account_unlocked', used.userId), auditSink(tx));
    return { userId: used.userId, epoch: account.epoch };
  });
}
