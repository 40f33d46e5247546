// Where the HTTP entry does not run, a forged peer header must not name the client, and production
// must refuse rather than put every client in one shared "unknown" budget.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@/server/core/config';
import { PEER_IP_HEADER, UNKNOWN_IP } from '@/server/security/client-ip';
import { clientUnknownInProduction, markHttpEntryRunning, requestClientIp } from './client-address';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/app',
  SESSION_SECRET: 'Zq8vR1xT4mB7nK0pW3sD6fH9jL2cV5yE8uA1iO4gQ7tX',
  ENCRYPTION_KEY: 'dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU',
  APP_ORIGIN: 'https://app.example.com',
  MAIL_DELIVERY: 'outbox',
};
const production = (extra: Record<string, string> = {}) => loadConfig({ ...PRODUCTION, ...extra });
const forged = () => new Headers({ [PEER_IP_HEADER]: '6.6.6.6', 'x-real-ip': '6.6.6.7', 'cf-connecting-ip': '203.0.113.7' });
const entryFlag = globalThis as { bastionHttpEntry?: boolean };

afterEach(() => delete entryFlag.bastionHttpEntry);

describe('the client address without the HTTP entry', () => {
  it('ignores a peer header the client wrote itself, and production refuses when no preset is configured', () => {
    const config = production();
    const ip = requestClientIp(forged(), config);
    expect(ip).toBe(UNKNOWN_IP);
    expect(clientUnknownInProduction(ip, config)).toBe(true);
  });

  it('reads the configured front\'s header and nothing the client forged beside it', () => {
    const config = production({ CLIENT_IP_PRESET: 'cloudflare' });
    const ip = requestClientIp(forged(), config);
    expect(ip).toBe('203.0.113.7');
    expect(clientUnknownInProduction(ip, config)).toBe(false);
  });

  it('refuses in production when the preset\'s header is missing, instead of sharing one bucket', () => {
    const config = production({ CLIENT_IP_PRESET: 'vercel' });
    const ip = requestClientIp(forged(), config);
    expect(clientUnknownInProduction(ip, config)).toBe(true);
  });

  it('reads the hop count\'s entry of X-Forwarded-For, never the client\'s leftmost one', () => {
    const config = production({ CLIENT_IP_PRESET: 'x-forwarded-for', CLIENT_IP_FORWARDED_HOPS: '2' });
    const headers = new Headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.3' });
    expect(requestClientIp(headers, config)).toBe('203.0.113.7');
  });

  it('refuses an unknown preset name at start-up', () => {
    expect(() => production({ CLIENT_IP_PRESET: 'trust-me' })).toThrow(/CLIENT_IP_PRESET/);
  });
});

describe('the client address under the HTTP entry', () => {
  it('is the peer the entry recorded, and a preset cannot override it', () => {
    markHttpEntryRunning();
    const config = production({ CLIENT_IP_PRESET: 'cloudflare' });
    expect(requestClientIp(forged(), config)).toBe('6.6.6.6');
  });

  it('outside production, an unknown client is not refused (development without the entry)', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(clientUnknownInProduction(requestClientIp(forged(), config), config)).toBe(false);
  });
});
