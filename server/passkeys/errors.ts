import { fixedRefusal, UnprocessableError } from '@/server/security/errors';

/**
 * One answer for every refused assertion (unknown credential, wrong origin or RP ID, used or
 * expired challenge, bad signature, counter rollback), so a refusal tells an attacker nothing.
 */
export class PasskeyRejectedError extends fixedRefusal(401, 'That passkey could not be used. Try again, or sign in another way.') {}

export class PasskeyRegistrationError extends fixedRefusal(400, 'That passkey could not be registered. Start again.') {}

export class PasskeyStateError extends UnprocessableError {}
