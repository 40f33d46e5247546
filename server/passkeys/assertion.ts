import { type AuthenticationResponseJSON, generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import { and, eq, sql } from 'drizzle-orm';
import { passkeys, type PasskeyChallengePurpose, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { getAuditLog } from '@/server/core/audit-log';
import { getConfig } from '@/server/core/config';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { consumeChallenge, storeChallenge, withoutExtensions } from './challenges';
import { PasskeyRejectedError } from './errors';
import { signCounterAdvances } from './sign-counter';

type Tx = Pick<Database, 'select' | 'insert' | 'update' | 'delete'>;
export type VerifiedAssertion = {
  passkeyId: string;
  userId: string;
  storedCounter: number;
  newCounter: number;
  backedUp: boolean;
};
type Expected = { purpose: PasskeyChallengePurpose; binding: string; userId?: string };

/** Authentication options whose challenge is kept for `binding`; `userId` limits them to that user's passkeys. */
export async function assertionOptions(db: Database, expected: Expected) {
  const owned = expected.userId
    ? await db.select({ id: passkeys.credentialId }).from(passkeys).where(eq(passkeys.userId, expected.userId))
    : [];
  const options = await generateAuthenticationOptions({
    rpID: getConfig().passkeyRelyingParty.id,
    userVerification: 'required',
    allowCredentials: owned,
  });
  await storeChallenge(db, options.challenge, expected.purpose, expected.binding);
  return withoutExtensions(options);
}

function challengeOf(response: AuthenticationResponseJSON): string | null {
  try {
    return decodeClientDataJSON(response.response.clientDataJSON).challenge;
  } catch {
    return null;
  }
}

async function refuse(request: RequestInfo, userId: string | null, reason: string): Promise<never> {
  const event = reason === 'counter_rollback' ? 'passkey_counter_rollback' : 'passkey_failure';
  await getAuditLog().record(auditEntry(request, event, userId, { reason }));
  throw new PasskeyRejectedError();
}

async function findCredential(db: Database, credentialId: string, userId?: string) {
  const [row] = await db
    .select({
      id: passkeys.id,
      userId: passkeys.userId,
      publicKey: passkeys.publicKey,
      counter: passkeys.counter,
      userHandle: users.passkeyUserHandle,
    })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(and(eq(passkeys.credentialId, credentialId), userId ? eq(passkeys.userId, userId) : undefined));
  return row;
}

async function signatureChecks(response: AuthenticationResponseJSON, challenge: string, publicKey: string) {
  const relyingParty = getConfig().passkeyRelyingParty;
  try {
    return await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: relyingParty.origins,
      expectedRPID: relyingParty.id,
      // The counter rule is applied after the signature is proven (see verifyAssertion).
      credential: { id: response.id, publicKey: isoBase64URL.toBuffer(publicKey), counter: 0 },
      requireUserVerification: true,
    });
  } catch {
    return null;
  }
}

/**
 * Consumes the challenge first (single use, only for the browser it was issued to), then checks
 * the credential, its owner's user handle, origin, RP ID, user verification and signature, and
 * finally the signature counter. Every refusal is audited and answered alike.
 */
export async function verifyAssertion(
  db: Database,
  response: AuthenticationResponseJSON,
  expected: Expected,
  request: RequestInfo,
): Promise<VerifiedAssertion> {
  const challenge = challengeOf(response);
  if (!challenge || !(await consumeChallenge(db, challenge, expected.purpose, expected.binding))) {
    return refuse(request, expected.userId ?? null, 'unknown_or_used_challenge');
  }
  const credential = await findCredential(db, response.id, expected.userId);
  if (!credential) return refuse(request, expected.userId ?? null, 'unknown_credential');
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== credential.userHandle) return refuse(request, credential.userId, 'user_handle');
  const verified = await signatureChecks(response, challenge, credential.publicKey);
  if (!verified?.verified) return refuse(request, credential.userId, 'verification_failed');
  const { newCounter, credentialBackedUp } = verified.authenticationInfo;
  if (!signCounterAdvances(credential.counter, newCounter)) return refuse(request, credential.userId, 'counter_rollback');
  const { id: passkeyId, userId, counter: storedCounter } = credential;
  return { passkeyId, userId, storedCounter, newCounter, backedUp: credentialBackedUp };
}

/** Records the use with compare-and-set on the counter that was verified; false when another use won. */
export async function recordPasskeyUse(tx: Tx, assertion: VerifiedAssertion): Promise<boolean> {
  const [used] = await tx
    .update(passkeys)
    .set({ counter: assertion.newCounter, backedUp: assertion.backedUp, lastUsedAt: sql`now()` })
    .where(and(eq(passkeys.id, assertion.passkeyId), eq(passkeys.counter, assertion.storedCounter)))
    .returning({ id: passkeys.id });
  return Boolean(used);
}
