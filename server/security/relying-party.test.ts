import { describe, expect, it } from 'vitest';
import { relyingParty, rpIdMatchesHost } from './relying-party';

describe('rpIdMatchesHost', () => {
  it('accepts the host itself and its parent domains only', () => {
    expect(rpIdMatchesHost('example.com', 'example.com')).toBe(true);
    expect(rpIdMatchesHost('example.com', 'app.example.com')).toBe(true);
    expect(rpIdMatchesHost('example.com', 'badexample.com')).toBe(false);
    expect(rpIdMatchesHost('app.example.com', 'example.com')).toBe(false);
  });

  it('matches an IP address only to itself', () => {
    expect(rpIdMatchesHost('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(rpIdMatchesHost('0.0.1', '127.0.0.1')).toBe(false);
  });
});

describe('relyingParty', () => {
  it('takes the RP ID from the origin, never anything else, and keeps only origins under it', () => {
    const party = relyingParty('https://app.example.com', { allowedOrigins: ['https://evil.test', 'https://app.example.com'] });
    expect(party).toEqual({ id: 'app.example.com', name: 'app.example.com', origins: ['https://app.example.com'] });
  });

  it('refuses an RP ID the origin cannot use, and a public IP address', () => {
    expect(() => relyingParty('https://app.example.com', { rpId: 'example.org' })).toThrow(/does not match/);
    expect(() => relyingParty('https://203.0.113.9')).toThrow(/cannot be a WebAuthn RP ID/);
  });

  it('allows loopback addresses, for servers under test', () => {
    expect(relyingParty('http://127.0.0.1:3000').id).toBe('127.0.0.1');
    expect(relyingParty('http://[::1]:3000').id).toBe('::1');
  });
});
