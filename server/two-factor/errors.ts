import { fixedRefusal, UnprocessableError } from '@/server/security/errors';

/** One answer for a wrong TOTP code and an unknown or used recovery code. */
export class InvalidCodeError extends fixedRefusal(401, 'That code is not valid. Check your authenticator app and try again.') {}

export class CodeAlreadyUsedError extends fixedRefusal(
  401,
  'That code was already used. Wait for the next one in your authenticator app.',
) {}

export class TwoFactorStateError extends UnprocessableError {}
