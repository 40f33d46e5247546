import { and, eq, sql } from 'drizzle-orm';
import { sessions } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { verifyCurrentPassword } from '@/server/auth/current-password';
import { getAuthThrottles } from '@/server/auth/login-throttles';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { BadRequestError } from '@/server/security/errors';
import { acceptSecondFactor, forgetCodeFailures, loadCodeOwner, reserveCodeCheck } from './code-check';

export type Caller = { userId: string; sessionId: string };

/**
 * Step-up: the session proves its user again (password, plus a code when two-factor is on) and
 * records when, so sensitive actions can require it within the last few minutes.
 */
export async function confirmIdentity(
  db: Database,
  caller: Caller,
  input: { password: string; code?: string },
  request: RequestInfo,
): Promise<void> {
  const owner = await loadCodeOwner(db, caller.userId);
  if (!owner) throw new SessionEndedError();
  const code = owner.totpSecret ? input.code : undefined;
  if (owner.totpSecret && !code) throw new BadRequestError('Enter a code from your authenticator app, or a recovery code.');
  // The password on the account's sign-in budget (progressive lockout), like a password change.
  const verifier = { db, throttles: getAuthThrottles(), audit: getAuditLog() };
  await verifyCurrentPassword(verifier, caller.userId, input.password, request, 'step_up_wrong_password');
  if (code) await reserveCodeCheck(caller.sessionId, caller.userId, request);
  await db.transaction(async (tx) => {
    const method = code ? await acceptSecondFactor(tx, owner, code, request) : 'password';
    const [confirmed] = await tx
      .update(sessions)
      .set({ reauthenticatedAt: sql`now()` })
      .where(and(eq(sessions.id, caller.sessionId), eq(sessions.userId, caller.userId)))
      .returning({ id: sessions.id });
    if (!confirmed) throw new SessionEndedError();
    await getAuditLog().record(auditEntry(request, 'step_up', caller.userId, { method }), auditSink(tx));
  });
  if (code) await forgetCodeFailures(caller.userId);
}
