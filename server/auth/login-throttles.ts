import { sharedThrottle } from '@/server/core/rate-limits';

const HOUR = 60 * 60;

/**
 * The budgets of the auth flows. Login: 5 failures per 5 minutes per email+IP pair, a larger daily
 * budget per IP, and a per-account budget with progressive lockout, which wrong current passwords
 * in a password change spend too. Browsers the owner signed in from before are exempt from the IP
 * and account budgets and spend one of their own (see device-cookie.ts).
 */
export function getAuthThrottles() {
  return {
    loginPair: sharedThrottle({ namespace: 'login-pair', maxAttempts: 5, windowSeconds: 5 * 60 }),
    loginIp: sharedThrottle({ namespace: 'login-ip', maxAttempts: 100, windowSeconds: 24 * HOUR }),
    loginAccount: sharedThrottle({
      namespace: 'login-account',
      maxAttempts: 10,
      windowSeconds: 15 * 60,
      lockout: { baseSeconds: 15 * 60, multiplier: 2, maxSeconds: 24 * HOUR, memorySeconds: 24 * HOUR },
    }),
    // The same budget per device cookie (see device-cookie.ts), for browsers the owner used before.
    loginDevice: sharedThrottle({
      namespace: 'login-device',
      maxAttempts: 10,
      windowSeconds: 15 * 60,
      lockout: { baseSeconds: 15 * 60, multiplier: 2, maxSeconds: 24 * HOUR, memorySeconds: 24 * HOUR },
    }),
    signupIp: sharedThrottle({ namespace: 'signup-ip', maxAttempts: 10, windowSeconds: HOUR }),
    // Mails that signups send to one address (activation, "already registered"): past the budget
    // the answer stays the same and nothing is sent, so signup cannot be used to flood an inbox.
    signupMail: sharedThrottle({ namespace: 'signup-mail', maxAttempts: 3, windowSeconds: HOUR }),
    resetIp: sharedThrottle({ namespace: 'reset-ip', maxAttempts: 10, windowSeconds: HOUR }),
    // Token uses (reset, activation) per IP: tokens cannot be guessed, but each use hashes a password.
    tokenUseIp: sharedThrottle({ namespace: 'token-use-ip', maxAttempts: 30, windowSeconds: HOUR }),
    resetEmail: sharedThrottle({ namespace: 'reset-email', maxAttempts: 3, windowSeconds: HOUR }),
  };
}

export type AuthThrottles = ReturnType<typeof getAuthThrottles>;
