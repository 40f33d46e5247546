import {
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import { eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { passkeys, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { SessionEndedError } from '@/server/auth/auth-failures';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { getConfig } from '@/server/core/config';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { enqueueMail } from '@/server/mail/outbox';
import { sessionBinding } from './browser-binding';
import { consumeChallenge, storeChallenge, withoutExtensions } from './challenges';
import { PasskeyRegistrationError, PasskeyStateError } from './errors';
import { passkeyAddedMail } from './mail';

export type Caller = { userId: string; sessionId: string };

/** The user's WebAuthn handle: random, made once, never derived from the email. */
async function userHandle(db: Database, userId: string) {
  const [user] = await db
    .update(users)
    .set({ passkeyUserHandle: sql`coalesce(${users.passkeyUserHandle}, ${isoBase64URL.fromBuffer(randomBytes(32))})` })
    .where(eq(users.id, userId))
    .returning({ email: users.email, handle: users.passkeyUserHandle });
  if (!user?.handle) throw new SessionEndedError();
  return { email: user.email, handle: user.handle };
}

/** Creation options for a discoverable credential with user verification, challenge bound to the session. */
export async function registrationOptions(db: Database, caller: Caller) {
  const { email, handle } = await userHandle(db, caller.userId);
  const existing = await db
    .select({ id: passkeys.credentialId })
    .from(passkeys)
    .where(eq(passkeys.userId, caller.userId));
  const relyingParty = getConfig().passkeyRelyingParty;
  const options = await generateRegistrationOptions({
    rpName: relyingParty.name,
    rpID: relyingParty.id,
    userName: email,
    userID: isoBase64URL.toBuffer(handle),
    attestationType: 'none',
    excludeCredentials: existing,
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await storeChallenge(db, options.challenge, 'register', sessionBinding(caller.sessionId));
  return withoutExtensions(options);
}

async function verifiedRegistration(db: Database, caller: Caller, response: RegistrationResponseJSON) {
  const challenge = (() => {
    try {
      return decodeClientDataJSON(response.response.clientDataJSON).challenge;
    } catch {
      return null;
    }
  })();
  if (!challenge || !(await consumeChallenge(db, challenge, 'register', sessionBinding(caller.sessionId)))) return null;
  const relyingParty = getConfig().passkeyRelyingParty;
  const verified = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: relyingParty.origins,
    expectedRPID: relyingParty.id,
    requireUserVerification: true,
  }).catch(() => null);
  return verified?.verified ? verified.registrationInfo : null;
}

/** Stores a verified credential; a credential id already registered (by anyone) is refused. Mails the owner. */
export async function registerPasskey(
  db: Database,
  caller: Caller,
  input: { response: RegistrationResponseJSON; name: string },
  request: RequestInfo,
) {
  const info = await verifiedRegistration(db, caller, input.response);
  if (!info) {
    await getAuditLog().record(auditEntry(request, 'passkey_failure', caller.userId, { reason: 'registration_refused' }));
    throw new PasskeyRegistrationError();
  }
  const { credential } = info;
  await db.transaction(async (tx) => {
    const [owner] = await tx.select({ email: users.email }).from(users).where(eq(users.id, caller.userId));
    if (!owner) throw new SessionEndedError();
    const [added] = await tx
      .insert(passkeys)
      .values({
        userId: caller.userId,
        credentialId: credential.id,
        publicKey: isoBase64URL.fromBuffer(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports ?? [],
        backedUp: info.credentialBackedUp,
        name: input.name,
      })
      .onConflictDoNothing()
      .returning({ id: passkeys.id });
    if (!added) throw new PasskeyStateError('This passkey is already registered.');
    await enqueueMail(tx, passkeyAddedMail(owner.email, input.name, new Date()));
    const details = { passkeyId: added.id, backedUp: info.credentialBackedUp };
    await getAuditLog().record(auditEntry(request, 'passkey_added', caller.userId, details), auditSink(tx));
  });
}
