import { verifyCurrentPassword } from '@/server/auth/current-password';
import { getAuthThrottles } from '@/server/auth/login-throttles';
import { getAuditLog } from '@/server/core/audit-log';
import { getDb } from '@/server/core/db';
import type { RequestInfo } from '@/server/core/request-info';

export type PasswordCheck = {
  auth: { userId: string; sessionId: string };
  request: RequestInfo;
  /** The password typed with the sensitive action; verified on the account's sign-in budget. */
  currentPassword: string;
};

/**
 * The second gate of the sensitive lifecycle actions (email change, deletion), behind the step-up
 * their procedures require (`stepUpProcedure`: a re-authentication within the last minutes, with
 * the second factor when it is on): the password typed with the action itself, on the account's
 * sign-in budget. Answers the account's address.
 */
export async function checkCurrentPassword(ctx: PasswordCheck): Promise<{ email: string }> {
  const deps = { db: getDb(), throttles: getAuthThrottles(), audit: getAuditLog() };
  const { email } = await verifyCurrentPassword(deps, ctx.auth.userId, ctx.currentPassword, ctx.request);
  return { email };
}
