import { SecurityError } from '@/server/security/errors';

/** One message for an unknown email and a wrong password alike. */
export class InvalidCredentialsError extends SecurityError {
  readonly status = 401;

  constructor() {
    super('Incorrect email or password.');
  }
}

/** Said only after a correct password, so it reveals nothing to someone guessing. */
export class AccountNotActivatedError extends SecurityError {
  readonly status = 403;

  constructor() {
    super('This account is not activated yet. Use the link we emailed you, or ask for a new one.');
  }
}

export class InvalidTokenError extends SecurityError {
  readonly status = 400;

  constructor(what: 'activation' | 'reset') {
    super(what === 'activation' ? 'This activation link is invalid, used or expired.' : 'This reset link is invalid, used or expired. Ask for a new one.');
  }
}

export class WrongCurrentPasswordError extends SecurityError {
  readonly status = 403;

  constructor() {
    super('The current password is incorrect.');
  }
}
