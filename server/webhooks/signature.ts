// Deliveries carry `bastion-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
// under the webhook's secret, and the body carries a unique event `id`. A receiver checks the
// MAC in constant time, refuses stale timestamps (replays) and drops ids it has already seen.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'bastion-signature';
/** Five minutes: room for clock skew and a slow network, too little for a replay to matter. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const SIGNATURE = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

const mac = (secret: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${mac(secret, String(timestamp), body).toString('hex')}`;
}

export interface SignedDelivery {
  secret: string;
  /** The signature header's value as received. */
  header: string;
  /** The raw body, exactly as received (not re-serialised JSON). */
  body: string;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/** What a receiver runs: true only for an unaltered body, signed with `secret`, signed recently. */
export function verifyWebhookSignature(delivery: SignedDelivery): boolean {
  const [, timestamp = '', signature = ''] = SIGNATURE.exec(delivery.header) ?? [];
  if (timestamp === '') return false;
  const now = delivery.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (delivery.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  return timingSafeEqual(mac(delivery.secret, timestamp, delivery.body), Buffer.from(signature, 'hex'));
}
