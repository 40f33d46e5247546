import { sharedThrottle } from '@/server/core/rate-limits';

/** Passkey sign-in attempts per client IP, reserved before any assertion is verified. */
export function getPasskeyThrottle() {
  return sharedThrottle({ namespace: 'passkey-ip', maxAttempts: 30, windowSeconds: 15 * 60 });
}
