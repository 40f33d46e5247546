import { SecurityError } from '@/server/security/errors';

/** One message for an unknown email and a wrong password alike. */
export class InvalidCredentialsError extends SecurityError {
  readonly status = 401;

  constructor() {
    super('Incorrect email or password.');
  }
}

/** The session that asked was signed out meanwhile (a reset, "sign out everywhere"). */
export class SessionEndedError extends SecurityError {
  readonly status = 401;

  constructor() {
    super('Your session has ended. Sign in again.');
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
