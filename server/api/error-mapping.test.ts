// Attacks the domain-error → tRPC mapping: wrong status codes, a 429 for a store outage, a missing Retry-After, or
// internal messages leaking to clients.
import fc from 'fast-check';
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidCredentialsError, WrongCurrentPasswordError } from '@/server/auth/auth-failures';
import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  type SecurityError,
  StoreUnavailableError,
  TooManyRequestsError,
  UnprocessableError,
} from '@/server/security/errors';
import { GENERIC_INTERNAL_MESSAGE, toTRPCError } from './error-mapping';

const SECRET = 'duplicate key value violates unique constraint "users_email_key" at /srv/app/db.ts:42 password=hunter2';
const UNAVAILABLE = 'Service temporarily unavailable. Please try again shortly.';

function mapped(error: unknown) {
  const resHeaders = new Headers();
  const result = toTRPCError(error, resHeaders);
  return { result, status: getHTTPStatusCodeFromError(result), retryAfter: resHeaders.get('Retry-After') };
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toTRPCError with security errors', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('never sends Retry-After: %s (a store bug) — 60 s instead', (seconds) => {
    const headers = new Headers();
    toTRPCError(new TooManyRequestsError(seconds), headers);
    expect(headers.get('retry-after')).toBe('60');
  });

  it.each<[string, string, number, () => SecurityError]>([
    ['BadRequestError', 'BAD_REQUEST', 400, () => new BadRequestError('Bad input.')],
    ['InvalidCredentialsError', 'UNAUTHORIZED', 401, () => new InvalidCredentialsError()],
    ['ForbiddenError', 'FORBIDDEN', 403, () => new ForbiddenError('No.')],
    ['WrongCurrentPasswordError', 'FORBIDDEN', 403, () => new WrongCurrentPasswordError()],
    ['NotFoundError', 'NOT_FOUND', 404, () => new NotFoundError()],
    ['PayloadTooLargeError', 'PAYLOAD_TOO_LARGE', 413, () => new PayloadTooLargeError(1024)],
    ['UnprocessableError', 'UNPROCESSABLE_CONTENT', 422, () => new UnprocessableError('Unsupported file type.')],
    ['TooManyRequestsError', 'TOO_MANY_REQUESTS', 429, () => new TooManyRequestsError(30)],
    ['StoreUnavailableError', 'SERVICE_UNAVAILABLE', 503, () => new StoreUnavailableError()],
  ])('maps %s to %s (%i) with its own message', (_name, code, status, make) => {
    const error = make();
    const { result, status: httpStatus } = mapped(error);
    expect(result).toBeInstanceOf(TRPCError);
    expect(result.code).toBe(code);
    expect(httpStatus).toBe(status);
    expect(result.message).toBe(error.message);
    expect(result.cause).toBe(error);
  });

  it('says how large a body may be in a 413', () => {
    expect(mapped(new PayloadTooLargeError(1024)).result.message).toContain('1024');
  });

  it('never answers 429 for a store failure, and sends no Retry-After with it', () => {
    const { result, status, retryAfter } = mapped(new StoreUnavailableError(undefined, { cause: new Error('ECONNREFUSED 10.0.0.3:6379') }));
    expect(status).toBe(503);
    expect(result.code).not.toBe('TOO_MANY_REQUESTS');
    expect(retryAfter).toBeNull();
    expect(result.message).not.toContain('ECONNREFUSED');
  });

  it.each([
    [30, '30'],
    [1.2, '2'],
    [59.0001, '60'],
    [0, '1'],
    [0.001, '1'],
    [-5, '1'],
  ])('sets Retry-After for %d seconds to whole seconds: %s', (seconds, header) => {
    const { status, retryAfter } = mapped(new TooManyRequestsError(seconds));
    expect(status).toBe(429);
    expect(retryAfter).toBe(header);
  });

  it('always sets Retry-After to a whole number of seconds, at least 1 and never early (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e7, noNaN: true }), (seconds) => {
        const { retryAfter } = mapped(new TooManyRequestsError(seconds));
        expect(retryAfter).toMatch(/^[1-9]\d*$/);
        expect(Number(retryAfter)).toBeGreaterThanOrEqual(seconds);
        expect(Number(retryAfter) - Math.max(seconds, 1)).toBeLessThan(1);
      }),
    );
  });

  it('sets no Retry-After for anything but a 429', () => {
    for (const error of [new NotFoundError(), new StoreUnavailableError(), new Error('x')]) expect(mapped(error).retryAfter).toBeNull();
  });

  it('works without response headers', () => {
    expect(toTRPCError(new TooManyRequestsError(3)).code).toBe('TOO_MANY_REQUESTS');
  });

  it('unwraps a security error that tRPC wrapped when a procedure threw it', () => {
    const wrapped = getTRPCErrorFromUnknown(new TooManyRequestsError(7));
    expect(wrapped.code).toBe('INTERNAL_SERVER_ERROR');
    const { result, status, retryAfter } = mapped(wrapped);
    expect(result.code).toBe('TOO_MANY_REQUESTS');
    expect(status).toBe(429);
    expect(retryAfter).toBe('7');
    expect(mapped(getTRPCErrorFromUnknown(new NotFoundError('No such file.'))).result).toMatchObject({ code: 'NOT_FOUND', message: 'No such file.' });
  });
});

describe('toTRPCError with tRPC errors', () => {
  it('passes a deliberate TRPCError through unchanged', () => {
    const error = new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
    expect(toTRPCError(error)).toBe(error);
  });

  it('keeps input validation a 400 (the formatter replaces the message with field errors)', () => {
    const parsed = z.object({ email: z.email() }).safeParse({ email: 'nope' });
    const error = new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
    const { result, status } = mapped(error);
    expect(result).toBe(error);
    expect(status).toBe(400);
  });
});

describe('toTRPCError with unknown errors', () => {
  it('answers a generic 500 without the original message or stack', () => {
    const original = new Error(SECRET);
    const { result, status } = mapped(original);
    expect(result.code).toBe('INTERNAL_SERVER_ERROR');
    expect(status).toBe(500);
    expect(result.message).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(result.stack ?? '').not.toContain(SECRET);
    expect(result.cause).toBe(original);
  });

  it('keeps the message generic when tRPC wrapped the error (what a throwing procedure produces)', () => {
    const wrapped = getTRPCErrorFromUnknown(new Error(SECRET));
    expect(wrapped.message).toBe(SECRET);
    const { result, status } = mapped(wrapped);
    expect(status).toBe(500);
    expect(result.message).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(result.stack ?? '').not.toContain(SECRET);
  });

  it.each([['a string', SECRET], ['an object', { message: SECRET, status: 404 }], ['null', null], ['undefined', undefined], ['a number', 42]])('maps thrown %s to a generic 500', (_kind, thrown) => {
    for (const error of [thrown, getTRPCErrorFromUnknown(thrown)]) {
      const { result } = mapped(error);
      expect(result.code).toBe('INTERNAL_SERVER_ERROR');
      expect(result.message).toBe(GENERIC_INTERNAL_MESSAGE);
    }
  });

  it('trusts no look-alike: a status field or a borrowed name is not a SecurityError', () => {
    const fake = Object.assign(new Error(SECRET), { name: 'TooManyRequestsError', status: 429, retryAfterSeconds: 5 });
    const { result, retryAfter } = mapped(fake);
    expect(result.code).toBe('INTERNAL_SERVER_ERROR');
    expect(result.message).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(retryAfter).toBeNull();
  });

  it.each([
    ['ECONNREFUSED', withCode(`connect ECONNREFUSED ${SECRET}`, 'ECONNREFUSED')],
    ['ETIMEDOUT', withCode(SECRET, 'ETIMEDOUT')],
    ['postgres CONNECTION_CLOSED', withCode(SECRET, 'CONNECTION_CLOSED')],
    ['postgres admin shutdown 57P01', withCode(SECRET, '57P01')],
    ['ioredis closed connection', new Error('Connection is closed.')],
    ['ioredis command timeout', new Error('Command timed out')],
    ['postgres statement timeout 57014', withCode(SECRET, '57014')],
    ['a failed Drizzle query caused by a refused connection', new Error(`Failed query: ${SECRET}`, {
      cause: withCode(`connect ECONNREFUSED ${SECRET}`, 'ECONNREFUSED'),
    })],
  ])('maps a backing-service outage (%s) to a generic 503', (_name, error) => {
    for (const candidate of [error, getTRPCErrorFromUnknown(error)]) {
      const { result, status, retryAfter } = mapped(candidate);
      expect(status).toBe(503);
      expect(result.message).toBe(UNAVAILABLE);
      expect(retryAfter).toBeNull();
    }
  });

  it('does not take an ordinary database error for an outage', () => {
    expect(mapped(withCode(SECRET, '23505')).status).toBe(500);
  });

  it('is idempotent', () => {
    for (const error of [new Error(SECRET), new NotFoundError(), withCode('x', 'ECONNRESET'), new TooManyRequestsError(2)]) {
      const once = toTRPCError(error);
      const twice = toTRPCError(once);
      expect([twice.code, twice.message]).toEqual([once.code, once.message]);
    }
  });

  it('never lets any non-security error choose the message or the code (property)', () => {
    const thrown = fc.oneof(
      fc.anything(),
      fc.string().map((message) => new Error(message)),
      fc.tuple(fc.string(), fc.string()).map(([message, code]) => withCode(message, code)),
      fc.string().map((message) => new TypeError(message)),
    );
    fc.assert(
      fc.property(thrown, fc.boolean(), (error, wrap) => {
        const { result, status } = mapped(wrap ? getTRPCErrorFromUnknown(error) : error);
        expect([500, 503]).toContain(status);
        expect([GENERIC_INTERNAL_MESSAGE, UNAVAILABLE]).toContain(result.message);
      }),
    );
  });
});

describe('toTRPCError behind a real tRPC handler', () => {
  // A router shaped like server/api/trpc.ts: every procedure error goes through toTRPCError; isDev is off.
  const t = initTRPC.context<{ resHeaders: Headers }>().create({ isDev: false });
  const mapErrors = t.middleware(async ({ ctx, next }) => {
    const result = await next();
    return result.ok ? result : { ...result, error: toTRPCError(result.error, ctx.resHeaders) };
  });
  const procedure = t.procedure.use(mapErrors);
  const router = t.router({
    crash: procedure.query(() => {
      throw new Error(SECRET);
    }),
    throttled: procedure.query(() => {
      throw new TooManyRequestsError(12.5);
    }),
    storeDown: procedure.query(() => {
      throw new StoreUnavailableError();
    }),
    missing: procedure.query(() => {
      throw new NotFoundError('No such file.');
    }),
    tooLarge: procedure.query(() => {
      throw new PayloadTooLargeError(10);
    }),
    dbDown: procedure.query(() => {
      throw withCode(SECRET, 'ECONNREFUSED');
    }),
  });

  async function call(path: string) {
    const response = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request(`http://localhost/api/trpc/${path}`),
      router,
      createContext: ({ resHeaders }) => ({ resHeaders }),
      onError: () => undefined,
    });
    return { status: response.status, retryAfter: response.headers.get('Retry-After'), body: await response.text() };
  }

  it('answers a crash with a 500 that carries neither the message nor a stack', async () => {
    const { status, body } = await call('crash');
    expect(status).toBe(500);
    expect(body).toContain(GENERIC_INTERNAL_MESSAGE);
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('users_email_key');
    expect(body).not.toMatch(/"stack"|\bat .*\.ts:\d+/);
  });

  it('answers a throttled call with 429 and Retry-After in whole seconds', async () => {
    const { status, retryAfter, body } = await call('throttled');
    expect(status).toBe(429);
    expect(retryAfter).toBe('13');
    expect(body).toContain('Too many attempts');
  });

  it.each([
    ['storeDown', 503, UNAVAILABLE],
    ['missing', 404, 'No such file.'],
    ['tooLarge', 413, '10-byte limit'],
    ['dbDown', 503, UNAVAILABLE],
  ])('answers %s with %i', async (path, expected, message) => {
    const { status, retryAfter, body } = await call(path);
    expect(status).toBe(expected);
    expect(retryAfter).toBeNull();
    expect(body).toContain(message);
    expect(body).not.toContain('hunter2');
  });
});
