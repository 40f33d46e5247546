import { getAuditLog } from '@/server/audit';
import { getConfig } from '@/server/config';
import { getDb } from '@/server/db';
import { deliverMailSoon } from '@/server/mail';
import { limitPasswordHashing } from '@/server/security/password';
import { runAfterResponse } from './background';
import { sessionPolicy } from './request-session';
import { getAuthThrottles } from './throttles';
import { UserAuthService } from './user-auth-service';

type Shared = { bastionAuthService?: UserAuthService };

export function getAuthService(): UserAuthService {
  const shared = globalThis as Shared;
  if (shared.bastionAuthService) return shared.bastionAuthService;
  const { load } = getConfig();
  limitPasswordHashing({ maxConcurrent: load.passwordHashConcurrency || undefined, maxWaitMs: load.passwordHashWaitMs });
  shared.bastionAuthService = new UserAuthService({
    db: getDb(),
    throttles: getAuthThrottles(),
    audit: getAuditLog(),
    appOrigin: getConfig().appOrigin,
    sessionPolicy: sessionPolicy(),
    afterResponse: runAfterResponse,
    afterCommit: deliverMailSoon,
  });
  return shared.bastionAuthService;
}
