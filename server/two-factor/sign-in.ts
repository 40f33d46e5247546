import { and, eq } from 'drizzle-orm';
import { sessions } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { createSession, type SessionPolicy } from '@/server/auth/sessions';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { acceptSecondFactor, type CodeOwner, forgetCodeFailures, loadCodeOwner, reserveCodeCheck, type Tx } from './code-check';
import { trustBrowser } from './trusted-browsers';

export type PendingSession = { sessionId: string; userId: string };
export type SecondFactorInput = { code: string; trustBrowser: boolean };
export type SignInContext = { request: RequestInfo; resHeaders: Headers; policy: SessionPolicy };
/** Accepts the second factor inside the sign-in's transaction, or throws; returns how it was proved. */
export type SecondFactorProof = (tx: Tx, owner: CodeOwner) => Promise<string>;

/**
 * The second-factor step of sign-in, once a check was reserved on the code budgets. The pending
 * session is deleted and a full one created under a new token in the transaction that accepts
 * the proof, so the pending cookie never becomes the session.
 */
export async function finishSignIn(
  db: Database,
  pending: PendingSession,
  options: { trustBrowser: boolean; proof: SecondFactorProof },
  context: SignInContext,
) {
  const { request } = context;
  const owner = await loadCodeOwner(db, pending.userId);
  if (!owner?.totpSecret) throw new SessionEndedError();
  const signedIn = await db.transaction(async (tx) => {
    const method = await options.proof(tx, owner);
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
    if (options.trustBrowser) await trustBrowser(tx, owner, request, context.resHeaders);
    const details = { method, trustBrowser: options.trustBrowser };
    await getAuditLog().record(auditEntry(request, 'second_factor_verified', owner.id, details), auditSink(tx));
    return { token: session.token, userId: owner.id, credentialEpoch: owner.credentialEpoch };
  });
  await forgetCodeFailures(owner.id);
  return signedIn;
}

/** The code step: a TOTP or recovery code, on the session's and the account's code budgets. */
export async function completeSignIn(
  db: Database,
  pending: PendingSession,
  input: SecondFactorInput,
  context: SignInContext,
) {
  await reserveCodeCheck(pending.sessionId, pending.userId, context.request);
  const proof: SecondFactorProof = (tx, owner) => acceptSecondFactor(tx, owner, input.code, context.request);
  return finishSignIn(db, pending, { trustBrowser: input.trustBrowser, proof }, context);
}
