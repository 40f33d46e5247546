// Attacks the client-IP presets with forged headers: a client can write any header it likes, but
// only the one its front overwrites is read, and only the entries the front's own hops appended.
import { describe, expect, it } from 'vitest';
import { type ClientIpPreset, getClientIpFromPreset, PEER_IP_HEADER } from './client-ip';

const FORGERIES = {
  [PEER_IP_HEADER]: '6.6.6.1',
  'x-forwarded-for': '6.6.6.2',
  'x-real-ip': '6.6.6.3',
  'cf-connecting-ip': '6.6.6.4',
  'x-vercel-forwarded-for': '6.6.6.5',
  'true-client-ip': '6.6.6.6',
  'forwarded': 'for=6.6.6.7',
};

/** What a request looks like after the front: every forgery the client sent, then the front's own header. */
function throughFront(stamped: Record<string, string>): Headers {
  const headers = new Headers(FORGERIES);
  for (const [name, value] of Object.entries(stamped)) headers.set(name, value);
  return headers;
}

describe('client-IP presets', () => {
  it.each<[ClientIpPreset, string]>([
    ['vercel', 'x-vercel-forwarded-for'],
    ['cloudflare', 'cf-connecting-ip'],
    ['nginx', 'x-real-ip'],
    ['x-real-ip', 'x-real-ip'],
  ])('%s reads only %s, the header that front overwrites, whatever else the client forged', (preset, header) => {
    expect(getClientIpFromPreset(throughFront({ [header]: '203.0.113.7' }), { preset })).toBe('203.0.113.7');
  });

  it.each<[ClientIpPreset, string]>([
    ['vercel', 'x-vercel-forwarded-for'],
    ['cloudflare', 'cf-connecting-ip'],
    ['nginx', 'x-real-ip'],
  ])('%s answers null, never header text, when %s holds something that is not one address', (preset, header) => {
    for (const value of ['unknown', '203.0.113.7, 6.6.6.6', '<script>', '127.1', 'fe80::1%eth0']) {
      expect(getClientIpFromPreset(throughFront({ [header]: value }), { preset })).toBeNull();
    }
  });

  it('answers null when the front did not stamp its header, however many others the client forged', () => {
    const headers = new Headers(FORGERIES);
    headers.delete('cf-connecting-ip');
    expect(getClientIpFromPreset(headers, { preset: 'cloudflare' })).toBeNull();
  });

  it.each([
    [1, '6.6.6.6, 203.0.113.7', '203.0.113.7'],
    [1, '203.0.113.7', '203.0.113.7'],
    [2, '6.6.6.6, 1.1.1.1, 203.0.113.7, 10.0.0.3', '203.0.113.7'],
    [3, '6.6.6.6, 203.0.113.7, 10.0.0.9, 10.0.0.3', '203.0.113.7'],
  ])('x-forwarded-for with %i hop(s) of ours reads %j as %s, whatever the client wrote on the left', (hops, value, client) => {
    const headers = new Headers({ 'x-forwarded-for': value });
    expect(getClientIpFromPreset(headers, { preset: 'x-forwarded-for', forwardedHops: hops })).toBe(client);
  });

  it('x-forwarded-for answers null when fewer entries arrived than our hops append (the header did not pass them)', () => {
    const headers = new Headers({ 'x-forwarded-for': '203.0.113.7' });
    expect(getClientIpFromPreset(headers, { preset: 'x-forwarded-for', forwardedHops: 2 })).toBeNull();
  });

  it('x-forwarded-for answers null, not a neighbour, when the entry our hop appended is not an address', () => {
    const headers = new Headers({ 'x-forwarded-for': '203.0.113.7, garbage' });
    expect(getClientIpFromPreset(headers, { preset: 'x-forwarded-for', forwardedHops: 1 })).toBeNull();
  });

  it('joins repeated x-forwarded-for headers in order, so a forged first header stays on the left', () => {
    const headers = new Headers();
    headers.append('x-forwarded-for', '6.6.6.6');
    headers.append('x-forwarded-for', '203.0.113.7');
    expect(getClientIpFromPreset(headers, { preset: 'x-forwarded-for', forwardedHops: 1 })).toBe('203.0.113.7');
  });
});
