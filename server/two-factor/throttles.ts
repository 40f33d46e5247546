import { sharedThrottle } from '@/server/core/rate-limits';
import { PENDING_SECOND_FACTOR_SECONDS } from '@/server/auth/sessions';

const HOUR = 60 * 60;

/**
 * Code checks (TOTP and recovery codes alike) are reserved on both budgets before any code is
 * verified: 5 per session (a pending session lives 10 minutes), and 10 per account per 15 minutes
 * with progressive lockout, so starting a new pending session buys an attacker nothing.
 */
export function getTwoFactorThrottles() {
  return {
    perSession: sharedThrottle({ namespace: '2fa-session', maxAttempts: 5, windowSeconds: PENDING_SECOND_FACTOR_SECONDS }),
    perAccount: sharedThrottle({
      namespace: '2fa-account',
      maxAttempts: 10,
      windowSeconds: 15 * 60,
      lockout: { baseSeconds: 15 * 60, multiplier: 2, maxSeconds: 24 * HOUR, memorySeconds: 24 * HOUR },
    }),
  };
}
