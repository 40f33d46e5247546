// A failed query's parameters never reach the error log: drizzle quotes them in its message and
// postgres.js keeps them on the error, and they can be a password or a webhook signing secret.
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '@/db/client';
import { sessions } from '@/db/schema';
import { createLogger } from './log';

const databaseUrl = inject('databaseUrl');
let database: ReturnType<typeof createDatabase>;
beforeAll(() => {
  database = createDatabase(databaseUrl, { max: 1 });
});
afterAll(async () => {
  await database?.sql.end();
});

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines };
}

async function failingQueryWithSecret(secret: string): Promise<unknown> {
  // A session for a user that does not exist: a foreign-key violation, with the secret as a parameter.
  return database.db
    .insert(sessions)
    .values({ userId: randomUUID(), tokenHash: secret, expiresAt: new Date(), ip: '127.0.0.1' })
    .then(() => undefined, (error: unknown) => error);
}

describe('error log', () => {
  it('keeps the failure but not the values of a failed query', async () => {
    const secret = `whsec_${randomUUID()}`;
    const error = await failingQueryWithSecret(secret);
    expect(error).toBeInstanceOf(Error);

    const { stream, lines } = capture();
    createLogger('info', stream).error({ err: error, path: 'auth.login' }, 'procedure failed');
    const line = lines.join('');
    const logged = JSON.parse(line) as {
      msg: string;
      err: { message: string; query: string; cause: { message: string } };
    };
    expect(logged.msg).toBe('procedure failed');
    expect(logged.err.query).toMatch(/insert into "sessions"/i);
    expect(logged.err.cause.message).toContain('violates foreign key constraint');
    expect(line).not.toContain(secret);
  });

  it('the same error through a plain pino logger does leak the secret (so the test above can fail)', async () => {
    const secret = `whsec_${randomUUID()}`;
    const error = await failingQueryWithSecret(secret);
    const { stream, lines } = capture();
    pino({}, stream).error({ err: error }, 'procedure failed');
    expect(lines.join('')).toContain(secret);
  });

  it('scrubs token-shaped query parameters and bearer credentials from messages', () => {
    const { stream, lines } = capture();
    const error = new Error('fetch https://x.test/cb?token=abc123secret failed with Bearer eyJhbGciOi.payload');
    createLogger('info', stream).error({ err: error }, 'outbound failed');
    const line = lines.join('');
    expect(line).not.toContain('abc123secret');
    expect(line).not.toContain('eyJhbGciOi');
    expect(line).toContain('[redacted]');
  });
});
