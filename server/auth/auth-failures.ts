import { fixedRefusal, SecurityError } from '@/server/security/errors';

/** One message for an unknown email and a wrong password alike. */
export class InvalidCredentialsError extends fixedRefusal(401, 'Incorrect email or password.') {}

/** The session that asked was signed out meanwhile (a reset, "sign out everywhere"). */
export class SessionEndedError extends fixedRefusal(401, 'Your session has ended. Sign in again.') {}

export class InvalidTokenError extends SecurityError {
  readonly status = 400;

  constructor(what: 'activation' | 'reset') {
    super(what === 'activation' ? 'This activation link is invalid, used or expired.' : 'This reset link is invalid, used or expired. Ask for a new one.');
  }
}

export class WrongCurrentPasswordError extends fixedRefusal(403, 'The current password is incorrect.') {}
