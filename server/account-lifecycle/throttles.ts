import { sharedThrottle } from '@/server/core/rate-limits';

const HOUR = 60 * 60;

/** Budgets of the lifecycle flows: mails they send and work they do per user and per address. */
export function getLifecycleThrottles() {
  return {
    emailChangeUser: sharedThrottle({ namespace: 'email-change-user', maxAttempts: 5, windowSeconds: HOUR }),
    emailChangeTarget: sharedThrottle({ namespace: 'email-change-target', maxAttempts: 3, windowSeconds: HOUR }),
    dataExport: sharedThrottle({ namespace: 'data-export', maxAttempts: 5, windowSeconds: HOUR }),
  };
}
