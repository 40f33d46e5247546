// The one place that reads process.env. Every variable is parsed and validated with zod;
// development gets safe defaults, production refuses to start without real values.
import { resolve } from 'node:path';
import { z } from 'zod';
import { CLIENT_IP_PRESETS, type ClientIpPreset, parseTrustedProxies } from '../security/client-ip';
import { parseEncryptionKey } from '../security/encryption';
import { assertNameservers } from '../security/outbound-dns';
import { relyingParty } from '../security/relying-party';
import { weakSecretReason } from '../security/secret-strength';

const DEV_SESSION_SECRET = 'dev-only-session-secret-never-use-in-production-000';
// Development data is encrypted too (so the code path is the one production runs), with a key
// that production refuses.
const DEV_ENCRYPTION_KEY = 'ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24';

const csv = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((part) => part.trim()).filter(Boolean));

const MAX_BODY_LIMIT = 9 * 1024 * 1024;
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

const encryptionKey = z.string().superRefine((value, context) => {
  try {
    parseEncryptionKey(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const origin = z.url({ protocol: /^https?$/ }).transform((value) => new URL(value).origin);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0),
  APP_ORIGIN: origin.optional(),
  ALLOWED_ORIGINS: csv.pipe(z.array(origin)),
  PASSKEY_RP_ID: z.string().regex(/^[a-z0-9.:-]{1,253}$/i, 'a domain name such as example.com').optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_MAX: int(10, 1),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER_NODES: csv.pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'host:port entries, comma-separated'))),
  HOUSEKEEPING_INTERVAL_MS: int(60_000, 100),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_SECRETS_PREVIOUS: csv.pipe(z.array(z.string().min(32, 'each previous secret must be at least 32 characters'))),
  SESSION_IDLE_MINUTES: int(60 * 24, 5),
  SESSION_ABSOLUTE_DAYS: int(30, 1),
  TRUSTED_PROXIES: csv.superRefine((entries, context) => {
    try {
      parseTrustedProxies(entries);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `${(error as Error).message} (expected IPs or CIDRs such as 10.0.0.0/8, fd00::/8)` });
    }
  }),
  TRUSTED_PROXY_HEADER: z.enum(['x-real-ip', 'x-forwarded-for', 'cf-connecting-ip']).optional(),
  CLIENT_IP_PRESET: z.enum(Object.keys(CLIENT_IP_PRESETS) as [ClientIpPreset, ...ClientIpPreset[]]).optional(),
  CLIENT_IP_FORWARDED_HOPS: int(1, 1),
  HTTP_HEADERS_TIMEOUT_MS: int(20_000, 1000),
  HTTP_REQUEST_TIMEOUT_MS: int(60_000, 1000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(5_000, 100),
  HTTP_MAX_HEADER_SIZE: int(16 * 1024, 1024),
  // At most 9 MiB: Next buffers a request body for middleware.ts up to 10 MiB (proxyClientMaxBodySize)
  // and silently truncates beyond, so a larger limit could never be seen to be exceeded.
  BODY_LIMIT_BYTES: int(100 * 1024, 1024).pipe(z.number().max(MAX_BODY_LIMIT, 'at most 9437184 (9 MiB); see the comment in server/core/config.ts')),
  UPLOAD_LIMIT_BYTES: int(8 * 1024 * 1024, 1024).pipe(z.number().max(MAX_BODY_LIMIT, 'at most 9437184 (9 MiB); see the comment in server/core/config.ts')),
  UPLOAD_QUOTA_BYTES: int(100 * 1024 * 1024, 1024),
  UPLOAD_MAX_FILES: int(500, 1),
  API_RATE_LIMIT_PER_MINUTE: int(300, 1),
  MAX_REQUESTS_IN_FLIGHT: int(100, 1),
  EVENT_LOOP_LAG_LIMIT_MS: int(1_000, 10),
  PASSWORD_HASH_CONCURRENCY: int(0, 0),
  PASSWORD_HASH_WAIT_MS: int(1_000, 0),
  SHUTDOWN_GRACE_MS: int(10_000, 100),
  DATABASE_CONNECT_TIMEOUT_MS: int(2_000, 100),
  DATABASE_STATEMENT_TIMEOUT_MS: int(5_000, 100),
  THROTTLE_FAIL_OPEN: boolean(false),
  THROTTLE_BLOCKED_CACHE_MS: int(1_000, 0),
  THROTTLE_KEY_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/i, 'letters, digits, - and _ only').default('bastion'),
  ENCRYPTION_KEY: encryptionKey.optional(),
  ENCRYPTION_KEYS_PREVIOUS: csv.pipe(z.array(encryptionKey)),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_DELIVERY: z.enum(['smtp', 'outbox']).optional(),
  SMTP_TIMEOUT_MS: int(10_000, 500),
  AUDIT_RETENTION_DAYS: int(400, 1),
  MAIL_FROM: z.string().min(3).default('Bastion <no-reply@localhost>'),
  UPLOAD_DIR: z.string().min(1).default('storage/uploads'),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOUND_ALLOWED_HOSTS: csv,
  OUTBOUND_DNS_SERVERS: csv.superRefine((servers, context) => {
    try {
      assertNameservers(servers);
    } catch (error) {
      const hint = 'expected ip or ip:port, e.g. 10.0.0.2,[fd00::53]:53';
      context.addIssue({ code: 'custom', message: `${(error as Error).message} (${hint})` });
    }
  }),
  OUTBOUND_DNS_TIMEOUT_MS: int(3_000, 100),
  OUTBOUND_DNS_MAX_CONCURRENT: int(8, 1),
  SSRF_TEST_ALLOW_LOOPBACK_PORT: int(0, 0),
});

type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production (postgres://user:pass@host:5432/db)');
  if (!env.SESSION_SECRET) problems.push('SESSION_SECRET: required in production (at least 32 random characters)');
  if (env.SESSION_SECRET === DEV_SESSION_SECRET) problems.push('SESSION_SECRET: the development default cannot be used in production');
  problems.push(...weakSecretProblems(env));
  if (!env.APP_ORIGIN) problems.push('APP_ORIGIN: required in production (the public https:// origin, e.g. https://app.example.com)');
  if (env.APP_ORIGIN && !isSecureOrigin(env.APP_ORIGIN)) problems.push('APP_ORIGIN: must be https:// in production (http is allowed only for loopback)');
  if (!env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: required in production (32 random bytes: openssl rand -base64 32)');
  if (env.ENCRYPTION_KEY === DEV_ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: the development default cannot be used in production');
  if (!env.SMTP_URL && env.MAIL_DELIVERY !== 'outbox') {
    problems.push('SMTP_URL: required in production (smtp://user:pass@host:587), or MAIL_DELIVERY=outbox to keep mail in the outbox on purpose');
  }
  if (env.SMTP_URL && env.MAIL_DELIVERY === 'outbox') problems.push('MAIL_DELIVERY: outbox and SMTP_URL together are ambiguous; drop one');
  if (env.SSRF_TEST_ALLOW_LOOPBACK_PORT) problems.push('SSRF_TEST_ALLOW_LOOPBACK_PORT: test-only, must not be set in production');
  return problems;
}

function weakSecretProblems(env: Env): string[] {
  const named = [
    ...(env.SESSION_SECRET ? [{ name: 'SESSION_SECRET', secret: env.SESSION_SECRET }] : []),
    ...env.SESSION_SECRETS_PREVIOUS.map((secret, index) => ({ name: `SESSION_SECRETS_PREVIOUS[${index}]`, secret })),
  ];
  return named.flatMap(({ name, secret }) => {
    const reason = weakSecretReason(secret);
    return reason ? [`${name}: ${reason}`] : [];
  });
}

function isSecureOrigin(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function passkeyRelyingPartyOf(appOrigin: string, env: Env) {
  try {
    return relyingParty(appOrigin, { rpId: env.PASSKEY_RP_ID, allowedOrigins: env.ALLOWED_ORIGINS, name: 'Bastion' });
  } catch (error) {
    throw new ConfigError([`PASSKEY_RP_ID: ${(error as Error).message}`]);
  }
}

export function loadConfig(source: Record<string, string | undefined>) {
  // An empty variable (`FOO=` in a .env file) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  if (production) {
    const problems = productionProblems(env);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  // Development default follows PORT, so `PORT=3001 npm run dev` still passes the CSRF origin check.
  const appOrigin = env.APP_ORIGIN ?? `http://localhost:${env.PORT}`;
  const passkeyRelyingParty = passkeyRelyingPartyOf(appOrigin, env);
  return Object.freeze({
    production,
    nodeEnv: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    appOrigin,
    allowedOrigins: [appOrigin, ...env.ALLOWED_ORIGINS],
    passkeyRelyingParty,
    databaseUrl: env.DATABASE_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    databaseTimeouts: { connectMs: env.DATABASE_CONNECT_TIMEOUT_MS, statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS },
    redisUrl: env.REDIS_URL,
    /** Seed nodes of a Redis Cluster for the throttles; takes the place of REDIS_URL when set. */
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    housekeepingIntervalMs: env.HOUSEKEEPING_INTERVAL_MS,
    sessionSecrets: [env.SESSION_SECRET ?? DEV_SESSION_SECRET, ...env.SESSION_SECRETS_PREVIOUS],
    sessionIdleSeconds: env.SESSION_IDLE_MINUTES * 60,
    sessionAbsoluteSeconds: env.SESSION_ABSOLUTE_DAYS * 24 * 60 * 60,
    // Secure cookies everywhere but plain-http development, which is an explicit consequence of an http APP_ORIGIN.
    secureCookies: production || appOrigin.startsWith('https:'),
    trustedProxies: env.TRUSTED_PROXIES,
    trustedProxyHeader: env.TRUSTED_PROXY_HEADER,
    /** Where the HTTP entry does not run: the front whose header carries the client address. */
    clientIpPreset: env.CLIENT_IP_PRESET,
    clientIpForwardedHops: env.CLIENT_IP_FORWARDED_HOPS,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderSize: env.HTTP_MAX_HEADER_SIZE,
    },
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    uploadLimitBytes: env.UPLOAD_LIMIT_BYTES,
    uploadQuotaBytes: env.UPLOAD_QUOTA_BYTES,
    uploadMaxFiles: env.UPLOAD_MAX_FILES,
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    load: {
      maxRequestsInFlight: env.MAX_REQUESTS_IN_FLIGHT,
      eventLoopLagLimitMs: env.EVENT_LOOP_LAG_LIMIT_MS,
      /** 0: derived from the core count (see server/security/password.ts). */
      passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
      passwordHashWaitMs: env.PASSWORD_HASH_WAIT_MS,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    throttleFailOpen: env.THROTTLE_FAIL_OPEN,
    throttleBlockedCacheMs: env.THROTTLE_BLOCKED_CACHE_MS,
    throttleKeyPrefix: env.THROTTLE_KEY_PREFIX,
    encryptionKeys: {
      current: parseEncryptionKey(env.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY),
      previous: env.ENCRYPTION_KEYS_PREVIOUS.map(parseEncryptionKey),
    },
    /** null: mail stays in the outbox (development's /dev/mailbox, or MAIL_DELIVERY=outbox on purpose). */
    smtpUrl: env.MAIL_DELIVERY === 'outbox' ? undefined : env.SMTP_URL,
    smtpTimeoutMs: env.SMTP_TIMEOUT_MS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    mailFrom: env.MAIL_FROM,
    // Relative to the working directory the server starts in; safeJoin needs an absolute root.
    uploadDir: resolve(env.UPLOAD_DIR),
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    /** Empty: any public host. Otherwise webhooks may only call these host names. */
    outboundAllowedHosts: env.OUTBOUND_ALLOWED_HOSTS,
    outboundDns: {
      servers: env.OUTBOUND_DNS_SERVERS.length > 0 ? env.OUTBOUND_DNS_SERVERS : undefined,
      timeoutMs: env.OUTBOUND_DNS_TIMEOUT_MS,
      maxConcurrent: env.OUTBOUND_DNS_MAX_CONCURRENT,
    },
    ssrfTestAllowLoopbackPort: env.SSRF_TEST_ALLOW_LOOPBACK_PORT || undefined,
  });
}

export type Config = ReturnType<typeof loadConfig>;

let cached: Config | undefined;

/** The validated configuration of this process, parsed on first use. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}
