import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { RetryLaterError, SecurityError } from '@/server/security/errors';

const CODE_BY_STATUS: Record<SecurityError['status'], TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

const UNAVAILABLE = 'Service temporarily unavailable. Please try again shortly.';
const INTERNAL = 'Something went wrong. Please try again.';

const DOWN_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED',
  'CONNECTION_DESTROYED', '57P01', '57P03', '57014',
]);

/**
 * Connection-level failures of Postgres or Redis (and statements past their timeout, 57014): the
 * request may succeed once the service is back. Drizzle wraps a failed query, so causes count too.
 */
function isServiceDown(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (DOWN_CODES.has(String(code)) || /Connection is closed|Stream isn't writeable|Command timed out/.test(message)) return true;
  return isServiceDown((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * The one place that turns domain errors into tRPC errors. Only SecurityError messages (written
 * to be shown) reach clients; anything else becomes a generic message without details.
 */
export function toTRPCError(error: unknown, resHeaders?: Headers): TRPCError {
  if (error instanceof TRPCError) {
    if (error.cause instanceof SecurityError) return toTRPCError(error.cause, resHeaders);
    // tRPC wraps whatever a procedure throws in an INTERNAL_SERVER_ERROR that keeps the original
    // message (SQL text, file paths…): map the original instead, so it never reaches the client.
    if (error.code === 'INTERNAL_SERVER_ERROR') return toTRPCError(error.cause, resHeaders);
    return error;
  }
  if (error instanceof RetryLaterError) {
    resHeaders?.set('Retry-After', String(error.retryAfterSeconds));
  }
  if (error instanceof SecurityError) {
    return new TRPCError({ code: CODE_BY_STATUS[error.status], message: error.message, cause: error });
  }
  if (isServiceDown(error)) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE, cause: error });
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: INTERNAL, cause: error });
}

export const GENERIC_INTERNAL_MESSAGE = INTERNAL;
