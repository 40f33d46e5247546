// Domain errors shared by the security primitives. Each carries only a message that is
// safe to show to a client; the tRPC/route error mapping turns them into status codes.
// Copy this file along with any primitive that throws one of these.

export abstract class SecurityError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 413 | 422 | 429 | 503;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A refusal that always answers `status` with the same safe `message`, whatever caused it. */
export function fixedRefusal(status: SecurityError['status'], message: string) {
  return class extends SecurityError {
    readonly status = status;

    constructor() {
      super(message);
    }
  };
}

/** A refusal that says when to try again: `retryAfterSeconds` is a whole number ≥ 1, ready for `Retry-After`. */
export abstract class RetryLaterError extends SecurityError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message: string) {
    super(message);
    // Whole seconds, at least 1; a NaN or infinite input (a store bug) must not reach the header.
    this.retryAfterSeconds = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 60;
  }
}

/** The caller is over budget. */
export class TooManyRequestsError extends RetryLaterError {
  readonly status = 429;

  constructor(retryAfterSeconds: number, message = 'Too many attempts. Please try again later.') {
    super(retryAfterSeconds, message);
  }
}

/** A backing store (Redis, Postgres) failed and the caller chose to fail closed: 503, never 429. */
export class StoreUnavailableError extends SecurityError {
  readonly status = 503;

  constructor(message = 'Service temporarily unavailable. Please try again shortly.', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Too much work is under way to take this request now (not a store failure): 503 with Retry-After. */
export class ServiceBusyError extends RetryLaterError {
  readonly status = 503;

  constructor(retryAfterSeconds: number, message = 'The server is busy. Please try again shortly.') {
    super(retryAfterSeconds, message);
  }
}

export class PayloadTooLargeError extends SecurityError {
  readonly status = 413;

  constructor(readonly limitBytes: number, message = `Request body exceeds the ${limitBytes}-byte limit.`) {
    super(message);
  }
}

/** Well-formed input that is refused on its content (wrong file type, blocked URL…). */
export class UnprocessableError extends SecurityError {
  readonly status = 422;
}

export class BadRequestError extends SecurityError {
  readonly status = 400;
}

export class ForbiddenError extends SecurityError {
  readonly status = 403;
}

export class NotFoundError extends SecurityError {
  readonly status = 404;

  constructor(message = 'Not found.') {
    super(message);
  }
}
