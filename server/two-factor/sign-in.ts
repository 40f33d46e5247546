import { and, eq } from 'drizzle-orm';
import { sessions } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/audit';
import { SessionEndedError } from '@/server/auth/errors';
import { createSession, type SessionPolicy } from '@/server/auth/sessions';
import type { RequestInfo } from '@/server/auth/user-auth-service';
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
    const fresh = { userId: owner.id, ip: request.ip, userAgent: request.userAgent };
    const session = await createSession(tx, { ...fresh, pendingSecondFactor: false, reauthenticated: true }, context.policy);
    if (input.trustBrowser) await trustBrowser(tx, owner, request, context.resHeaders);
    const details = { method, trustBrowser: input.trustBrowser };
    await getAuditLog().record({ event: 'second_factor_verified', userId: owner.id, ...request, details }, auditSink(tx));
    return { token: session.token, userId: owner.id, credentialEpoch: owner.credentialEpoch };
  });
  await forgetCodeFailures(owner.id);
  return signedIn;
}
