import { SecurityError } from '@/server/security/errors';

/** One answer for a wrong TOTP code and an unknown or used recovery code. */
export class InvalidCodeError extends SecurityError {
  readonly status = 401;

  constructor() {
    super('That code is not valid. Check your authenticator app and try again.');
  }
}

export class CodeAlreadyUsedError extends SecurityError {
  readonly status = 401;

  constructor() {
    super('That code was already used. Wait for the next one in your authenticator app.');
  }
}

export class TwoFactorStateError extends SecurityError {
  readonly status = 422;
}
