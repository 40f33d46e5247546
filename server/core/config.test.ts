import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/app',
  SESSION_SECRET: 'Zq4mT8vKp2Lx9RwB7nHc3YdF6gJs1AeU0tPo5iMk',
  APP_ORIGIN: 'https://app.example.com',
  ENCRYPTION_KEY: 'q3Vb8cY4pXH0d7sN2kLmR9tW1eZ6uJ5oA8gF3hT0yC4',
  SMTP_URL: 'smtp://mailer:secret@smtp.example.com:587',
};

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('refuses a trusted-proxy entry that is not an IP or CIDR, naming it', () => {
    for (const entry of ['10/8', 'proxy.internal', '10.0.0.0/33', '0x0a.0.0.1']) {
      expect(problemsOf({ TRUSTED_PROXIES: `127.0.0.1,${entry}` }).join('\n')).toContain(`TRUSTED_PROXIES: Invalid trusted proxy entry: "${entry}"`);
    }
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8, 192.168.1.10, ::ffff:172.16.0.0/108' }).trustedProxies).toHaveLength(4);
  });

  it('caps the body limits at 9 MiB (Next truncates bodies it buffers for middleware at 10 MiB)', () => {
    expect(problemsOf({ UPLOAD_LIMIT_BYTES: String(10 * 1024 * 1024) }).join()).toMatch(/UPLOAD_LIMIT_BYTES: at most 9437184/);
    expect(loadConfig({ UPLOAD_LIMIT_BYTES: String(9 * 1024 * 1024) }).uploadLimitBytes).toBe(9 * 1024 * 1024);
  });

  it('derives the passkey RP ID from APP_ORIGIN and refuses one that cannot match it', () => {
    const config = loadConfig({ ...production, ALLOWED_ORIGINS: 'https://www.example.com,https://other.test' });
    expect(config.passkeyRelyingParty).toMatchObject({ id: 'app.example.com', origins: ['https://app.example.com'] });
    const parent = loadConfig({ ...production, PASSKEY_RP_ID: 'example.com', ALLOWED_ORIGINS: 'https://www.example.com' });
    expect(parent.passkeyRelyingParty.origins).toEqual(['https://app.example.com', 'https://www.example.com']);
    expect(problemsOf({ ...production, PASSKEY_RP_ID: 'evil.com' }).join()).toMatch(/PASSKEY_RP_ID: RP ID evil.com does not match/);
    expect(problemsOf({ ...production, PASSKEY_RP_ID: 'ample.com' }).join()).toMatch(/PASSKEY_RP_ID: RP ID ample.com/);
  });

  it('defaults APP_ORIGIN to localhost on PORT in development', () => {
    expect(loadConfig({ PORT: '3301' }).appOrigin).toBe('http://localhost:3301');
  });

  it('resolves UPLOAD_DIR against the working directory (the file store needs an absolute root)', () => {
    expect(loadConfig({}).uploadDir).toBe(join(process.cwd(), 'storage', 'uploads'));
    expect(loadConfig({ UPLOAD_DIR: '/var/lib/bastion/uploads' }).uploadDir).toBe('/var/lib/bastion/uploads');
  });

  it('gives development defaults with no variables at all', () => {
    const config = loadConfig({});
    expect(config.production).toBe(false);
    expect(config.appOrigin).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sessionSecrets[0]?.length).toBeGreaterThanOrEqual(32);
    expect(config.secureCookies).toBe(false);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(production);
    expect(config.production).toBe(true);
    expect(config.secureCookies).toBe(true);
    expect(config.allowedOrigins).toEqual(['https://app.example.com']);
  });

  it.each(['DATABASE_URL', 'SESSION_SECRET', 'APP_ORIGIN'])('refuses production without %s and names it', (name) => {
    const source: Record<string, string> = { ...production };
    delete source[name];
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: required in production`));
  });

  it('names every problem at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['DATABASE_URL', 'SESSION_SECRET', 'APP_ORIGIN', 'ENCRYPTION_KEY', 'SMTP_URL']);
  });

  it('treats empty variables as unset, as in a copied .env.example', () => {
    expect(problemsOf({ ...production, SESSION_SECRET: '' })[0]).toMatch(/^SESSION_SECRET: required/);
  });

  it('refuses a short session secret, in any environment', () => {
    expect(problemsOf({ SESSION_SECRET: 'short' })[0]).toMatch(/^SESSION_SECRET: must be at least 32 characters/);
  });

  it('refuses plain http origins in production except loopback', () => {
    expect(problemsOf({ ...production, APP_ORIGIN: 'http://app.example.com' })[0]).toMatch(/^APP_ORIGIN: must be https/);
    expect(problemsOf({ ...production, APP_ORIGIN: 'http://127.0.0.1:3000' })).toEqual([]);
  });

  it('refuses malformed values with the variable name', () => {
    expect(problemsOf({ PORT: 'eighty' })[0]).toMatch(/^PORT:/);
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL:/);
    expect(problemsOf({ TRUSTED_PROXY_HEADER: 'x-evil' })[0]).toMatch(/^TRUSTED_PROXY_HEADER:/);
    expect(problemsOf({ THROTTLE_FAIL_OPEN: 'maybe' })[0]).toMatch(/^THROTTLE_FAIL_OPEN:/);
  });

  it('refuses the development session secret and the SSRF test switch in production', () => {
    const dev = loadConfig({}).sessionSecrets[0] ?? '';
    expect(problemsOf({ ...production, SESSION_SECRET: dev })[0]).toMatch(/development default/);
    expect(problemsOf({ ...production, SSRF_TEST_ALLOW_LOOPBACK_PORT: '8080' })[0]).toMatch(/^SSRF_TEST_ALLOW_LOOPBACK_PORT/);
  });

  it('refuses guessable session secrets in production, previous ones included, and says how to make one', () => {
    expect(problemsOf({ ...production, SESSION_SECRET: 'x'.repeat(40) })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: looks guessable \(about \d+ bits of entropy, at least 90 needed\); use/),
    ]);
    const previous = problemsOf({ ...production, SESSION_SECRETS_PREVIOUS: 'thisismysupersecretsessionsecret' });
    expect(previous[0]).toMatch(/^SESSION_SECRETS_PREVIOUS\[0\]: looks guessable/);
    expect(problemsOf({ SESSION_SECRET: 'x'.repeat(40) })).toEqual([]);
  });

  it('keeps previous session secrets for rotation, newest first', () => {
    const config = loadConfig({ SESSION_SECRET: 'n'.repeat(32), SESSION_SECRETS_PREVIOUS: `${'o'.repeat(32)}, ${'p'.repeat(32)}` });
    expect(config.sessionSecrets).toEqual(['n'.repeat(32), 'o'.repeat(32), 'p'.repeat(32)]);
  });

  it('normalises origins and lists extra allowed origins', () => {
    const config = loadConfig({ APP_ORIGIN: 'https://app.example.com/some/path', ALLOWED_ORIGINS: 'https://admin.example.com' });
    expect(config.allowedOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });

  it('requires a mail transport in production, unless mail is kept in the outbox on purpose', () => {
    const { SMTP_URL: _smtp, ...withoutSmtp } = production;
    expect(problemsOf(withoutSmtp).join('\n')).toMatch(/SMTP_URL: required in production.*MAIL_DELIVERY=outbox/);
    expect(problemsOf({ ...withoutSmtp, MAIL_DELIVERY: 'outbox' })).toEqual([]);
    expect(loadConfig({ ...withoutSmtp, MAIL_DELIVERY: 'outbox' }).smtpUrl).toBeUndefined();
    expect(problemsOf({ ...production, MAIL_DELIVERY: 'outbox' }).join()).toMatch(/MAIL_DELIVERY: outbox and SMTP_URL together/);
  });

  it('requires an encryption key of 32 random bytes in production, and never the development one', () => {
    const { ENCRYPTION_KEY: _key, ...withoutKey } = production;
    expect(problemsOf(withoutKey).join()).toMatch(/ENCRYPTION_KEY: required in production/);
    expect(problemsOf({ ...production, ENCRYPTION_KEY: 'too-short' }).join()).toMatch(/ENCRYPTION_KEY: .*32 random bytes/);
    const development = loadConfig({}).encryptionKeys.current;
    expect(problemsOf({ ...production, ENCRYPTION_KEY: development.toString('base64url') }).join()).toMatch(/development default/);
  });

  it('accepts previous encryption keys for rotation and refuses malformed ones', () => {
    const previous = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE';
    expect(loadConfig({ ...production, ENCRYPTION_KEYS_PREVIOUS: previous }).encryptionKeys.previous).toHaveLength(1);
    expect(problemsOf({ ...production, ENCRYPTION_KEYS_PREVIOUS: `${previous},nope` }).join()).toMatch(/ENCRYPTION_KEYS_PREVIOUS/);
  });

  it('reads outbound DNS settings, and refuses a nameserver that is not an address', () => {
    expect(loadConfig({}).outboundDns).toEqual({ servers: undefined, timeoutMs: 3_000, maxConcurrent: 8 });
    const custom = loadConfig({ OUTBOUND_DNS_SERVERS: '10.0.0.2, [fd00::53]:53', OUTBOUND_DNS_TIMEOUT_MS: '500' });
    expect(custom.outboundDns).toMatchObject({ servers: ['10.0.0.2', '[fd00::53]:53'], timeoutMs: 500 });
    expect(problemsOf({ OUTBOUND_DNS_SERVERS: 'dns.example' })[0]).toMatch(/^OUTBOUND_DNS_SERVERS: .*expected ip or ip:port/);
    expect(problemsOf({ OUTBOUND_DNS_MAX_CONCURRENT: '0' })[0]).toMatch(/^OUTBOUND_DNS_MAX_CONCURRENT/);
  });
});
