import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Database } from '@/db/client';
import type { AuditLog } from '@/server/security/audit';
import { verifyPassword } from '@/server/security/password';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { SessionEndedError, WrongCurrentPasswordError } from './auth-failures';
import type { AuthThrottles } from './login-throttles';

type Verifier = { db: Database; throttles: Pick<AuthThrottles, 'loginAccount'>; audit: AuditLog };
export type VerifiedAccount = { email: string; passwordHash: string };

/**
 * Re-verifies the signed-in user's password on the account's sign-in budget (progressive lockout),
 * so a stolen session cannot guess it faster than a stranger at the login form could. A wrong one is
 * audited as a `login_failure` with `reason`.
 */
export async function verifyCurrentPassword(
  deps: Verifier,
  userId: string,
  currentPassword: string,
  request: RequestInfo,
  reason = 'wrong_current_password',
): Promise<VerifiedAccount> {
  const [user] = await deps.db
    .select({ email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user?.passwordHash) throw new SessionEndedError();
  await deps.throttles.loginAccount.reserveOrThrow(user.email);
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    await deps.audit.record(auditEntry(request, 'login_failure', userId, { reason }));
    throw new WrongCurrentPasswordError();
  }
  await deps.throttles.loginAccount.reset(user.email);
  return { email: user.email, passwordHash: user.passwordHash };
}
