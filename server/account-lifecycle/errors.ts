import { SecurityError } from '@/server/security/errors';

/** Unknown, used, expired or malformed: one answer for every link that does not work. */
export class DeadLinkError extends SecurityError {
  readonly status = 400;

  constructor(message = 'This link is invalid, used or expired.') {
    super(message);
  }
}

/** A unique violation: another account took the address between the look and the write. */
export function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return (error as { code?: unknown }).code === '23505' || cause?.code === '23505';
}
