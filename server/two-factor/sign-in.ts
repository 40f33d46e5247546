import { and, eq } from 'drizzle-orm';
import { sessions } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { createSession, type SessionPolicy } from '@/server/auth/sessions';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { acceptSecondFactor, forgetCodeFailures, loadCodeOwner, reserveCodeCheck } from './code-check';
import { trustBrowser } from './trusted-browsers';

export type PendingSession = { sessionId: string; userId: string };
export type SecondFactorInput = { code: string; trustBrowser: boolean };

/**
 * The code step of sign-in. The pending session is deleted and a full one created under a new
 * token in the transaction that accepts the code, so the pending cookie never becomes the session.
 */
export async function completeSignIn(
  db: Database,
  pending: PendingSession,
  input: SecondFactorInput,
  context: { request: RequestInfo; resHeaders: Headers; policy: SessionPolicy },
) {
  const { request } = context;
  await reserveCodeCheck(pending.sessionId, pending.userId, request);
  const owner = await loadCodeOwner(db, pending.userId);
  if (!owner?.totpSecret) throw new SessionEndedError();
  const signedIn = await db.transaction(async (tx) => {
    const method = await acceptSecondFactor(tx, owner, input.code, request);
    const [ended] = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, pending.sessionId), eq(sessions.pendingSecondFactor, true)))
      .returning({ id: sessions.id });
    if (!ended) throw new SessionEndedError();
    const sessionInput = {
      userId: owner.id,
      ip: request.ip,
      userAgent: request.userAgent,
      pendingSecondFactor: false,
      reauthenticated: true,
    };
    const session = await createSession(tx, sessionInput, context.policy);
    if (input.trustBrowser) await trustBrowser(tx, owner, request, context.resHeaders);
    const details = { method, trustBrowser: input.trustBrowser };
    await getAuditLog().record(auditEntry(request, 'second_factor_verified', owner.id, details), auditSink(tx));
    return { token: session.token, userId: owner.id, credentialEpoch: owner.credentialEpoch };
  });
  await forgetCodeFailures(owner.id);
  return signedIn;
}
