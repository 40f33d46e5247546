import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { loadRequestSession } from '@/server/auth/request-session';
import { getDb } from '@/server/core/db';
import { getLogger } from '@/server/core/log';
import { getAuditLog } from '@/server/core/audit-log';
import { auditEntry, type RequestInfo, requestInfoFrom } from '@/server/core/request-info';
import { csrfTokenMatches } from '@/server/auth/csrf-cookie';
import type { SecurityEventName } from '@/server/security/audit';
import { ForbiddenError, TooManyRequestsError } from '@/server/security/errors';
import { toTRPCError } from './error-mapping';
import { isFirstRefusalOfWindow } from './refusal-audit';

export type CreateContextOptions = { headers: Headers; resHeaders: Headers; path?: string; method?: string };

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= load());
}

/**
 * Per-request context. The client IP comes only from the internal header our boundary sets
 * (middleware.ts), never from a client-supplied forwarding header.
 */
export async function createContext(options: CreateContextOptions) {
  const { headers, resHeaders } = options;
  const { ip: clientIp, userAgent, method, path } = requestInfoFrom(headers, options.method ?? '', options.path ?? '');
  const base = { db: getDb(), headers, resHeaders, clientIp, userAgent, path, method };
  // Shared by every call of a batch: one HTTP request writes at most one refusal to the audit log.
  const refusal = { audited: false };
  return { ...base, refusal, session: lazy(() => loadRequestSession(base)) };
}

export type Context = Awaited<ReturnType<typeof createContext>>;

/** Who is asking, for services and the audit log. */
export function requestInfo(ctx: Pick<Context, 'clientIp' | 'userAgent' | 'method' | 'path'>): RequestInfo {
  return { ip: ctx.clientIp, userAgent: ctx.userAgent, method: ctx.method, path: ctx.path };
}

const t = initTRPC.context<Context>().create({
  isDev: false, // never put stack traces in responses; errors are logged server-side instead
  errorFormatter({ shape, error }) {
    const fieldErrors = error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : undefined;
    const message = fieldErrors ? 'Some fields are invalid.' : shape.message;
    const retryAfterSeconds = error.cause instanceof TooManyRequestsError ? error.cause.retryAfterSeconds : undefined;
    return { ...shape, message, data: { ...shape.data, fieldErrors, retryAfterSeconds, stack: undefined } };
  },
});

// 429s are audited too (a login blocked by its throttle becomes "login_blocked"), once per window
// for each client and procedure with the number of the others (./refusal-audit.ts).
const AUDITED: Partial<Record<string, SecurityEventName>> = {
  UNAUTHORIZED: 'unauthenticated_access',
  FORBIDDEN: 'permission_denied',
  TOO_MANY_REQUESTS: 'rate_limited',
};

class CsrfTokenError extends ForbiddenError {
  constructor() {
    super('Missing or invalid CSRF token. Reload the page and try again.');
  }
}

function auditEventFor(code: string, cause: unknown, path: string | undefined): SecurityEventName | undefined {
  if (cause instanceof CsrfTokenError) return 'csrf_rejected';
  if (code === 'TOO_MANY_REQUESTS' && path === 'auth.login') return 'login_blocked';
  return AUDITED[code];
}

/**
 * Maps every error leaving a procedure through the one mapping in ./errors, logs server
 * failures, and records UNAUTHORIZED, FORBIDDEN and 429 outcomes in the audit log — once per
 * HTTP request, so a batch of refused calls cannot multiply the rows it writes.
 */
const mapErrors = t.middleware(async ({ ctx, next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const mapped = toTRPCError(result.error, ctx.resHeaders);
  if (mapped.code === 'INTERNAL_SERVER_ERROR' || mapped.code === 'SERVICE_UNAVAILABLE') {
    getLogger().error({ err: result.error.cause ?? result.error, path }, 'procedure failed');
  }
  const event = auditEventFor(mapped.code, mapped.cause, path);
  if (event && !ctx.refusal.audited) {
    ctx.refusal.audited = true;
    const details = { procedure: path, type, reason: mapped.message };
    const entry = auditEntry(requestInfo(ctx), event, null, details);
    if (mapped.code === 'TOO_MANY_REQUESTS' && !isFirstRefusalOfWindow(entry)) return { ...result, error: mapped };
    const session = await ctx.session().catch(() => null);
    await getAuditLog().record({ ...entry, userId: session?.userId ?? null });
  }
  return { ...result, error: mapped };
});

/** Second CSRF layer: every mutation carries the session-bound double-submit token. */
const csrfGuard = t.middleware(async ({ ctx, next, type }) => {
  if (type !== 'mutation' || csrfTokenMatches(ctx.headers)) return next();
  throw new CsrfTokenError();
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

export const publicProcedure = t.procedure.use(mapErrors).use(csrfGuard);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await ctx.session();
  if (!session || session.pendingSecondFactor) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  }
  return next({ ctx: { ...ctx, auth: session } });
});

/** Only a session waiting for its second factor, and only for the second-factor step. */
export const pendingProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await ctx.session();
  if (!session?.pendingSecondFactor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  return next({ ctx: { ...ctx, pending: session } });
});
