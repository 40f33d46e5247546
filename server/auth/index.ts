import { mailUnlockLink } from '@/server/account-lifecycle/unlock';
import { getAuditLog } from '@/server/core/audit-log';
import { getConfig } from '@/server/core/config';
import { getDb } from '@/server/core/db';
import { processSingleton } from '@/server/core/singleton';
import { deliverMailSoon } from '@/server/mail';
import { runAfterResponse } from './background';
import { sessionPolicy } from './request-session';
import { getAuthThrottles } from './login-throttles';
import { UserAuthService } from './user-auth-service';

export function getAuthService(): UserAuthService {
  return processSingleton('auth-service', () => new UserAuthService({
    db: getDb(),
    throttles: getAuthThrottles(),
    audit: getAuditLog(),
    appOrigin: getConfig().appOrigin,
    sessionPolicy: sessionPolicy(),
    afterResponse: runAfterResponse,
    afterCommit: deliverMailSoon,
    onAccountLocked: mailUnlockLink,
  }));
}
