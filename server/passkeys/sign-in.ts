import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { createSession, type SessionPolicy } from '@/server/auth/sessions';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { ipBucket } from '@/server/security/client-ip';
import { type VerifiedAssertion, recordPasskeyUse, verifyAssertion } from './assertion';
import { PasskeyRejectedError } from './errors';
import { getPasskeyThrottle } from './throttles';

/**
 * Passwordless sign-in. An assertion made with user verification proves possession and the user,
 * so the session is full at once (no code step), created the way a password sign-in creates it.
 */
export async function signInWithPasskey(
  db: Database,
  response: AuthenticationResponseJSON,
  context: { binding: string | null; request: RequestInfo; policy: SessionPolicy },
) {
  const { request } = context;
  await getPasskeyThrottle().reserveOrThrow(ipBucket(request.ip));
  const binding = context.binding ?? 'browser:none';
  const assertion = await verifyAssertion(db, response, { purpose: 'sign_in', binding }, request);
  return db.transaction(async (tx) => {
    if (!(await recordPasskeyUse(tx, assertion))) throw new PasskeyRejectedError();
    const [user] = await tx
      .select({ credentialEpoch: users.credentialEpoch })
      .from(users)
      .where(eq(users.id, assertion.userId));
    if (!user) throw new PasskeyRejectedError();
    const sessionInput = { userId: assertion.userId, ip: request.ip, userAgent: request.userAgent };
    const full = { ...sessionInput, pendingSecondFactor: false, reauthenticated: true };
    const session = await createSession(tx, full, context.policy);
    const details = { method: 'passkey', pendingSecondFactor: false };
    await getAuditLog().record(auditEntry(request, 'login_success', assertion.userId, details), auditSink(tx));
    return { token: session.token, userId: assertion.userId, credentialEpoch: user.credentialEpoch };
  });
}

/** The second-factor proof of a pending sign-in: the passkey's use is recorded in the caller's transaction. */
export function passkeyProof(assertion: VerifiedAssertion) {
  return async (tx: Parameters<typeof recordPasskeyUse>[0]) => {
    if (!(await recordPasskeyUse(tx, assertion))) throw new PasskeyRejectedError();
    return 'passkey' as const;
  };
}
