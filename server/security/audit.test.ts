// Attacks the audit log's scrubbing: secrets under any secret-looking key, at any depth or casing, must never reach the
// log line or the stored row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditLog, sanitizeAuditDetails, SECURITY_EVENTS, type AuditLogger, type AuditRecord, type AuditSink } from './audit';

const SECRET = 'S3CR3T-hunter2-value';

function fakeLogger() {
  const calls: { level: 'info' | 'error'; object: object; message: string }[] = [];
  const logger: AuditLogger = {
    info: (object, message) => void calls.push({ level: 'info', object, message }),
    error: (object, message) => void calls.push({ level: 'error', object, message }),
  };
  return { logger, calls };
}

function fakeSink(fail?: Error) {
  const rows: AuditRecord[] = [];
  const sink: AuditSink = async (record) => {
    if (fail) throw fail;
    rows.push(record);
  };
  return { sink, rows };
}

describe('SECURITY_EVENTS', () => {
  const required = [
    'login_success', 'login_failure', 'account_locked', 'password_changed', 'permission_denied', 'token_revoked',
    'suspicious_activity', 'data_export', 'admin_action', 'password_reset_requested', 'password_reset_completed',
    'session_revoked', 'csrf_rejected', 'throttle_store_failure',
  ];
  it.each(required)('includes %s', (event) => {
    expect(SECURITY_EVENTS).toContain(event);
  });

  it('has no duplicates and only snake_case names', () => {
    expect(new Set(SECURITY_EVENTS).size).toBe(SECURITY_EVENTS.length);
    for (const event of SECURITY_EVENTS) expect(event).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});

describe('sanitizeAuditDetails', () => {
  it('scrubs secrets inside values: query parameters and bearer credentials', () => {
    const clean = sanitizeAuditDetails({
      url: 'https://hooks.example.com/in?id=7&access_token=abc123&x=1',
      link: '/reset-password?token=Zm9vYmFy',
      header: 'Bearer eyJhbGciOi.payload.sig',
      note: 'nothing secret here',
    });
    expect(clean).toEqual({
      url: 'https://hooks.example.com/in?id=7&access_token=[redacted]&x=1',
      link: '/reset-password?token=[redacted]',
      header: 'Bearer [redacted]',
      note: 'nothing secret here',
    });
  });

  it('keeps a "__proto__" key as plain data and bounds the number of keys', () => {
    const clean = sanitizeAuditDetails(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
    expect((clean as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(sanitizeAuditDetails(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))))).toHaveLength(50);
  });

  it('keeps only the name of an Error', () => {
    expect(sanitizeAuditDetails({ err: new TypeError('bad thing at /reset?token=abc') })).toEqual({ err: { name: 'TypeError' } });
  });

  it('keeps flags that merely contain "hash" (rehashed) but redacts hashes', () => {
    expect(sanitizeAuditDetails({ rehashed: true, passwordHash: '$argon2id$…', tokenHash: 'ab12' })).toEqual({
      rehashed: true,
      passwordHash: '[redacted]',
      tokenHash: '[redacted]',
    });
  });

  it.each([
    'password',
    'Password',
    'PASSWORD',
    'newPassword',
    'currentPassword',
    'new_password',
    'passwd',
    'pass',
    'passphrase',
    'token',
    'resetToken',
    'activation_token',
    'accessToken',
    'REFRESH-TOKEN',
    'secret',
    'clientSecret',
    'SESSION_SECRET',
    'authorization',
    'Authorization',
    'proxy-authorization',
    'authorisation',
    'cookie',
    'Cookie',
    'set-cookie',
    'otp',
    'totpCode',
    'seal',
    'signature',
    'hash',
    'passwordHash',
    'apiKey',
    'api_key',
    'X-API-KEY',
    'privateKey',
    'private_key',
    'credentials',
  ])('redacts the value under %j', (key) => {
    expect(sanitizeAuditDetails({ [key]: SECRET, reason: 'kept' })).toEqual({ [key]: '[redacted]', reason: 'kept' });
  });

  it('redacts whatever the value is: objects, arrays, numbers, booleans, null', () => {
    const clean = sanitizeAuditDetails({
      password: { plain: SECRET },
      tokens: [SECRET, SECRET],
      otp: 123456,
      hasSecret: true,
      cookie: null,
    });
    expect(clean).toEqual({ password: '[redacted]', tokens: '[redacted]', otp: '[redacted]', hasSecret: '[redacted]', cookie: '[redacted]' });
  });

  it('redacts secret keys nested in objects and arrays', () => {
    const clean = sanitizeAuditDetails({
      user: { email: 'a@example.com', profile: { newPassword: SECRET } },
      headers: { 'user-agent': 'curl', 'Authorization': `Bearer ${SECRET}`, 'Cookie': `sid=${SECRET}` },
      attempts: [{ token: SECRET, at: 1 }, { resetToken: SECRET, at: 2 }],
    });
    expect(clean).toEqual({
      user: { email: 'a@example.com', profile: { newPassword: '[redacted]' } },
      headers: { 'user-agent': 'curl', 'Authorization': '[redacted]', 'Cookie': '[redacted]' },
      attempts: [{ token: '[redacted]', at: 1 }, { resetToken: '[redacted]', at: 2 }],
    });
    expect(JSON.stringify(clean)).not.toContain(SECRET);
  });

  it('keeps ordinary details as they are', () => {
    const details = { reason: 'wrong_password', procedure: 'auth.login', sessionId: '3f0c8b1e-0000-4000-8000-000000000000', fileId: 'f1', size: 42, failOpen: false, origin: null, mime: 'image/png' };
    expect(sanitizeAuditDetails(details)).toEqual(details);
  });

  it('bounds long strings to 256 characters plus an ellipsis, at any depth', () => {
    const long = 'x'.repeat(10_000);
    const clean = sanitizeAuditDetails({ origin: long, nested: { value: long }, list: [long], exact: 'y'.repeat(256) });
    expect(clean.origin).toBe(`${'x'.repeat(256)}…`);
    expect(clean.nested).toEqual({ value: `${'x'.repeat(256)}…` });
    expect(clean.list).toEqual([`${'x'.repeat(256)}…`]);
    expect(clean.exact).toBe('y'.repeat(256));
  });

  it('keeps at most 20 array items', () => {
    const clean = sanitizeAuditDetails({ list: Array.from({ length: 1_000 }, (_, i) => i) });
    expect(clean.list).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('bounds depth, replacing what lies below four nested levels with "[truncated]"', () => {
    const deep = { a: { b: { c: { d: { e: { f: SECRET } } } } } };
    expect(sanitizeAuditDetails(deep)).toEqual({ a: { b: { c: { d: { e: '[truncated]' } } } } });
    expect(sanitizeAuditDetails({ a: [[[[[SECRET]]]]] })).toEqual({ a: [[[['[truncated]']]]] });
  });

  it('terminates on cyclic structures', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic];
    const clean = sanitizeAuditDetails(cyclic);
    expect(clean.name).toBe('loop');
    expect(() => JSON.stringify(clean)).not.toThrow();
  });

  it('does not copy an Error\'s message or stack', () => {
    const clean = sanitizeAuditDetails({ err: new Error(`db said ${SECRET}`) });
    expect(JSON.stringify(clean)).not.toContain(SECRET);
  });

  it('leaves its input untouched', () => {
    const details = { password: SECRET, nested: { token: SECRET, text: 'z'.repeat(300) } };
    const copy = structuredClone(details);
    sanitizeAuditDetails(details);
    expect(details).toEqual(copy);
  });

  it('never lets a value under a secret-looking key through, at any depth or casing (property)', () => {
    const secretKey = fc
      .tuple(fc.constantFrom('', 'new', 'current', 'reset', 'x-', 'client_', 'my'), fc.constantFrom('password', 'token', 'secret', 'cookie', 'authorization', 'otp', 'apikey', 'api_key', 'privatekey', 'hash', 'signature'), fc.constantFrom('', 'Value', '_1', 's'))
      .chain(([pre, word, post]) => fc.constantFrom(`${pre}${word}${post}`, `${pre}${word.toUpperCase()}${post}`, `${pre}${word[0]!.toUpperCase()}${word.slice(1)}${post}`));
    const safeKey = fc.constantFrom('a', 'b', 'reason', 'items', 'meta', 'user', 'list');
    const safeLeaf = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-'), maxLength: 300 }));
    const tree = fc.letrec<{ node: unknown; object: Record<string, unknown> }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, safeLeaf, tie('object'), fc.array(tie('node'), { maxLength: 4 })),
      object: fc
        .tuple(fc.dictionary(safeKey, tie('node'), { maxKeys: 4 }), fc.dictionary(secretKey, fc.oneof(fc.constant(SECRET), fc.constant({ inner: SECRET }), fc.constant([SECRET])), { maxKeys: 2 }))
        .map(([safe, secrets]) => ({ ...safe, ...secrets })),
    }));
    fc.assert(
      fc.property(tree.object, (details) => {
        const json = JSON.stringify(sanitizeAuditDetails(details));
        expect(json).not.toContain(SECRET);
        for (const text of json.match(/"(?:[^"\\]|\\.)*"/g) ?? []) expect(text.length).toBeLessThanOrEqual(256 + 3);
      }),
    );
  });
});

describe('AuditLog.record', () => {
  it('writes one log line and one row, both scrubbed', async () => {
    const { logger, calls } = fakeLogger();
    const { sink, rows } = fakeSink();
    const who = {
      userId: 'u1',
      ip: '203.0.113.7',
      userAgent: 'curl/8',
      method: 'POST',
      path: '/api/trpc/auth.login',
    };
    const headers = { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}` };
    const details = { reason: 'wrong_password', password: SECRET, headers };
    await new AuditLog({ logger, sink }).record({ event: 'login_failure', ...who, details });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.level).toBe('info');
    expect(calls[0]!.message).toBe('security event: login_failure');
    expect(rows).toHaveLength(1);
    expect(calls[0]!.object).toEqual({ audit: rows[0] });
    expect(rows[0]).toEqual({
      event: 'login_failure',
      ...who,
      details: { reason: 'wrong_password', password: '[redacted]', headers: { authorization: '[redacted]', cookie: '[redacted]' } },
    });
    expect(JSON.stringify(calls)).not.toContain(SECRET);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it('fills absent fields with null and details with {}', async () => {
    const { logger } = fakeLogger();
    const { sink, rows } = fakeSink();
    await new AuditLog({ logger, sink }).record({ event: 'throttle_store_failure', ip: '' });
    expect(rows[0]).toEqual({ event: 'throttle_store_failure', userId: null, ip: null, userAgent: null, method: null, path: null, details: {} });
  });

  it('bounds the request fields', async () => {
    const { logger } = fakeLogger();
    const { sink, rows } = fakeSink();
    const long = 'a'.repeat(5_000);
    await new AuditLog({ logger, sink }).record({ event: 'csrf_rejected', ip: long, userAgent: long, method: long, path: long });
    expect(rows[0]!.ip).toHaveLength(64);
    expect(rows[0]!.userAgent).toHaveLength(512);
    expect(rows[0]!.method).toHaveLength(16);
    expect(rows[0]!.path).toHaveLength(512);
  });

  it('logs, never throws, when the default sink fails — and the log line is written first', async () => {
    const { logger, calls } = fakeLogger();
    const failure = new Error('db down');
    const { sink } = fakeSink(failure);
    await expect(new AuditLog({ logger, sink }).record({ event: 'login_success', details: { token: SECRET } })).resolves.toBeUndefined();
    expect(calls.map((call) => call.level)).toEqual(['info', 'error']);
    expect(calls[1]!.object).toEqual({ err: failure, event: 'login_success' });
    expect(JSON.stringify(calls)).not.toContain(SECRET);
  });

  it('stores through an explicit sink instead, and lets its failure propagate (to abort the transaction)', async () => {
    const { logger } = fakeLogger();
    const fallback = fakeSink();
    const explicit = fakeSink();
    const log = new AuditLog({ logger, sink: fallback.sink });
    await log.record({ event: 'password_changed', details: { newPassword: SECRET } }, explicit.sink);
    expect(fallback.rows).toHaveLength(0);
    expect(explicit.rows[0]!.details).toEqual({ newPassword: '[redacted]' });
    await expect(log.record({ event: 'password_changed' }, fakeSink(new Error('tx failed')).sink)).rejects.toThrow('tx failed');
  });
});
