import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './signature';

const secret = 'whsec_test-secret';
const body = JSON.stringify({ id: 'evt_1', type: 'bastion.test' });
const now = 1_800_000_000;
const header = signWebhook(secret, now, body);
const forwarded = header.replace(/^t=\d+/, `t=${now + 600}`);

describe('verifyWebhookSignature', () => {
  it('accepts an unaltered body signed with the secret within the tolerance', () => {
    expect(verifyWebhookSignature({ secret, header, body, nowSeconds: now + 299 })).toBe(true);
  });

  it.each([
    ['an altered body', { body: body.replace('evt_1', 'evt_2') }],
    ['another secret', { secret: 'whsec_other' }],
    ['a replay after the tolerance', { nowSeconds: now + 301 }],
    ['a timestamp from the future', { nowSeconds: now - 301 }],
    ['a replay with its timestamp moved forward', { header: forwarded, nowSeconds: now + 600 }],
    ['a malformed header', { header: `v1=${header.split('v1=')[1]}` }],
    ['a truncated MAC', { header: header.slice(0, -2) }],
  ])('refuses %s', (_, change) => {
    expect(verifyWebhookSignature({ secret, header, body, nowSeconds: now, ...change })).toBe(false);
  });
});
