import { and, eq, isNull, sql } from 'drizzle-orm';
import { sessions, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { revokeUserSessions } from '@/server/auth/sessions';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { enqueueMail } from '@/server/mail/outbox';
import {
  acceptSecondFactor,
  discardRecoveryCodes,
  forgetCodeFailures,
  issueRecoveryCodes,
  loadCodeOwner,
  recordCodeRefusal,
  reserveCodeCheck,
} from './code-check';
import { InvalidCodeError, TwoFactorStateError } from './errors';
import { twoFactorDisabledMail, twoFactorEnabledMail } from './mail';
import { qrCodeSvg } from './qr-code';
import type { Caller } from './step-up';
import { displayTotpKey, generateTotpSecret, matchTotpStep, totpKeyUri } from './totp';
import { openTotpSecret, sealTotpSecret } from './totp-secret';
import { revokeAllTrustedBrowsers } from './trusted-browsers';

const ALREADY_ON = 'Two-factor authentication is already on.';
const ALREADY_OFF = 'Two-factor authentication is off.';

/** A new secret, kept pending (sealed) until a code from it confirms the enrolment. */
export async function beginEnrolment(db: Database, userId: string) {
  const secret = generateTotpSecret();
  const [user] = await db
    .update(users)
    .set({ totpPendingSecret: sealTotpSecret(userId, secret) })
    .where(and(eq(users.id, userId), isNull(users.totpSecret)))
    .returning({ email: users.email });
  if (!user) throw new TwoFactorStateError(ALREADY_ON);
  return { key: displayTotpKey(secret), qrSvg: qrCodeSvg(totpKeyUri(user.email, secret)) };
}

/**
 * Turns two-factor on once a code from the pending secret checks out: the secret moves from
 * pending to active in one compare-and-set, its step counts as used, the recovery codes are
 * issued (returned once), other sessions are signed out and the owner is mailed.
 */
export async function confirmEnrolment(db: Database, caller: Caller, code: string, request: RequestInfo) {
  await reserveCodeCheck(caller.sessionId, caller.userId, request);
  const [user] = await db
    .select({ email: users.email, pending: users.totpPendingSecret, active: users.totpSecret })
    .from(users)
    .where(eq(users.id, caller.userId));
  if (!user) throw new SessionEndedError();
  if (user.active) throw new TwoFactorStateError(ALREADY_ON);
  if (!user.pending) throw new TwoFactorStateError('Start the set-up again: no key is waiting for a code.');
  const step = matchTotpStep(openTotpSecret(caller.userId, user.pending), code, Date.now());
  if (step === null) {
    await recordCodeRefusal('two_factor_failure', caller.userId, request, 'wrong_enrolment_code');
    throw new InvalidCodeError();
  }
  const pending = user.pending;
  const codes = await db.transaction(async (tx) => {
    const [enabled] = await tx
      .update(users)
      .set({ totpSecret: pending, totpPendingSecret: null, totpLastStep: step, updatedAt: sql`now()` })
      .where(and(eq(users.id, caller.userId), eq(users.totpPendingSecret, pending), isNull(users.totpSecret)))
      .returning({ id: users.id });
    if (!enabled) throw new TwoFactorStateError(ALREADY_ON);
    const issued = await issueRecoveryCodes(tx, caller.userId);
    const revoked = await revokeUserSessions(tx, caller.userId, caller.sessionId);
    await tx.update(sessions).set({ reauthenticatedAt: sql`now()` }).where(eq(sessions.id, caller.sessionId));
    await enqueueMail(tx, twoFactorEnabledMail(user.email, new Date()));
    const details = { sessionsRevoked: revoked };
    await getAuditLog().record(auditEntry(request, 'two_factor_enabled', caller.userId, details), auditSink(tx));
    return issued;
  });
  await forgetCodeFailures(caller.userId);
  return codes;
}

/** Needs a current code on top of step-up; signs out other sessions and ends every browser's trust. */
export async function disableTwoFactor(db: Database, caller: Caller, code: string, request: RequestInfo) {
  await reserveCodeCheck(caller.sessionId, caller.userId, request);
  const owner = await loadCodeOwner(db, caller.userId);
  if (!owner) throw new SessionEndedError();
  if (!owner.totpSecret) throw new TwoFactorStateError(ALREADY_OFF);
  const verified = owner.totpSecret;
  await db.transaction(async (tx) => {
    await acceptSecondFactor(tx, owner, code, request);
    const [disabled] = await tx
      .update(users)
      .set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null, updatedAt: sql`now()` })
      .where(and(eq(users.id, caller.userId), eq(users.totpSecret, verified)))
      .returning({ id: users.id });
    if (!disabled) throw new TwoFactorStateError(ALREADY_OFF);
    await discardRecoveryCodes(tx, caller.userId);
    const trustsEnded = await revokeAllTrustedBrowsers(tx, caller.userId);
    const revoked = await revokeUserSessions(tx, caller.userId, caller.sessionId);
    await enqueueMail(tx, twoFactorDisabledMail(owner.email, new Date()));
    const details = { sessionsRevoked: revoked, trustedBrowsersRevoked: trustsEnded };
    await getAuditLog().record(auditEntry(request, 'two_factor_disabled', caller.userId, details), auditSink(tx));
  });
  await forgetCodeFailures(caller.userId);
}

/** A new set of recovery codes; the old set stops working in the same transaction. */
export async function regenerateRecoveryCodes(db: Database, caller: Caller, request: RequestInfo) {
  const owner = await loadCodeOwner(db, caller.userId);
  if (!owner?.totpSecret) throw new TwoFactorStateError(ALREADY_OFF);
  return db.transaction(async (tx) => {
    const codes = await issueRecoveryCodes(tx, caller.userId);
    await getAuditLog().record(auditEntry(request, 'recovery_codes_regenerated', caller.userId), auditSink(tx));
    return codes;
  });
}
