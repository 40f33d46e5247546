import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { recoveryCodes, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { getAuditLog, auditSink } from '@/server/core/audit-log';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { enqueueMail } from '@/server/mail/outbox';
import type { SecurityEventName } from '@/server/security/audit';
import { TooManyRequestsError } from '@/server/security/errors';
import { CodeAlreadyUsedError, InvalidCodeError } from './errors';
import { recoveryCodeUsedMail } from './mail';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-code';
import { getTwoFactorThrottles } from './throttles';
import { isFreshStep, looksLikeTotpCode, matchTotpStep } from './totp';
import { openTotpSecret } from './totp-secret';

export type Tx = Pick<Database, 'select' | 'insert' | 'update' | 'delete'>;
export type CodeOwner = {
  id: string;
  email: string;
  credentialEpoch: number;
  totpSecret: string | null;
  totpLastStep: number | null;
};
export type CodeKind = 'totp' | 'recovery';

export async function loadCodeOwner(db: Pick<Database, 'select'>, userId: string): Promise<CodeOwner | undefined> {
  const [owner] = await db
    .select({
      id: users.id,
      email: users.email,
      credentialEpoch: users.credentialEpoch,
      totpSecret: users.totpSecret,
      totpLastStep: users.totpLastStep,
    })
    .from(users)
    .where(eq(users.id, userId));
  return owner;
}

/** Recorded outside the caller's transaction, which the refusal rolls back. */
export async function recordCodeRefusal(
  event: SecurityEventName,
  userId: string,
  request: RequestInfo,
  reason: string,
) {
  await getAuditLog().record(auditEntry(request, event, userId, { reason }));
}

/**
 * Reserves one code check on the session's budget and on the account's (progressive lockout),
 * before any code is looked at: of N parallel guesses, at most the budget are verified.
 */
export async function reserveCodeCheck(sessionId: string, userId: string, request: RequestInfo): Promise<void> {
  const throttles = getTwoFactorThrottles();
  await throttles.perSession.reserveOrThrow(sessionId);
  const { allowed, status } = await throttles.perAccount.reserve(userId);
  if (allowed) return;
  await recordCodeRefusal('two_factor_locked', userId, request, 'account_code_budget');
  throw new TooManyRequestsError(status.retryAfterSeconds);
}

/** After a code was accepted: the account's budget and its lockout history start over. */
export async function forgetCodeFailures(userId: string): Promise<void> {
  await getTwoFactorThrottles().perAccount.reset(userId);
}

/**
 * Accepts a TOTP code only for a time step later than the last one accepted, decided by one
 * compare-and-set UPDATE: of parallel submissions of one code, on any instance, exactly one wins.
 */
async function acceptTotpCode(tx: Tx, owner: CodeOwner, code: string, request: RequestInfo): Promise<void> {
  const step = owner.totpSecret ? matchTotpStep(openTotpSecret(owner.id, owner.totpSecret), code, Date.now()) : null;
  if (step === null || !owner.totpSecret) {
    await recordCodeRefusal('two_factor_failure', owner.id, request, 'wrong_code');
    throw new InvalidCodeError();
  }
  const fresh = isFreshStep(step, owner.totpLastStep);
  const [accepted] = fresh
    ? await tx
        .update(users)
        .set({ totpLastStep: step })
        .where(
          and(
            eq(users.id, owner.id),
            eq(users.totpSecret, owner.totpSecret),
            or(isNull(users.totpLastStep), lt(users.totpLastStep, step)),
          ),
        )
        .returning({ id: users.id })
    : [];
  if (accepted) return;
  await recordCodeRefusal('two_factor_replay_refused', owner.id, request, 'step_already_used');
  throw new CodeAlreadyUsedError();
}

/** Marks the code used in the statement that finds it: of parallel uses of one code, exactly one wins. */
async function consumeRecoveryCode(tx: Tx, owner: CodeOwner, normalized: string, request: RequestInfo): Promise<void> {
  const [used] = await tx
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(recoveryCodes.userId, owner.id),
        eq(recoveryCodes.codeHash, hashRecoveryCode(normalized)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  if (!used) {
    await recordCodeRefusal('two_factor_failure', owner.id, request, 'wrong_recovery_code');
    throw new InvalidCodeError();
  }
  const left = await countRecoveryCodesLeft(tx, owner.id);
  await enqueueMail(tx, recoveryCodeUsedMail(owner.email, new Date(), left));
  await getAuditLog().record(auditEntry(request, 'recovery_code_used', owner.id, { left }), auditSink(tx));
}

/** A TOTP code or a recovery code of the owner, accepted inside the caller's transaction, or an error. */
export async function acceptSecondFactor(
  tx: Tx,
  owner: CodeOwner,
  code: string,
  request: RequestInfo,
): Promise<CodeKind> {
  if (looksLikeTotpCode(code)) {
    await acceptTotpCode(tx, owner, code, request);
    return 'totp';
  }
  const recovery = normalizeRecoveryCode(code);
  if (!recovery) {
    await recordCodeRefusal('two_factor_failure', owner.id, request, 'malformed_code');
    throw new InvalidCodeError();
  }
  await consumeRecoveryCode(tx, owner, recovery, request);
  return 'recovery';
}

export async function countRecoveryCodesLeft(db: Pick<Database, 'select'>, userId: string): Promise<number> {
  const [row] = await db
    .select({ left: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.left ?? 0;
}

/** Replaces the user's recovery codes with a new set and returns the codes, to be shown once. */
export async function issueRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const { codes, hashes } = generateRecoveryCodes();
  await discardRecoveryCodes(tx, userId);
  await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
  return codes;
}

export async function discardRecoveryCodes(tx: Tx, userId: string): Promise<void> {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}
