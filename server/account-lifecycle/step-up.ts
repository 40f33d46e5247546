import { verifyCurrentPassword } from '@/server/auth/current-password';
import { getAuthThrottles } from '@/server/auth/login-throttles';
import { getAuditLog } from '@/server/core/audit-log';
import { getDb } from '@/server/core/db';
import type { RequestInfo } from '@/server/core/request-info';

export type StepUpContext = {
  auth: { userId: string; sessionId: string };
  request: RequestInfo;
  /** The password typed with the sensitive action; verified on the account's sign-in budget. */
  currentPassword: string;
};

/**
 * The one gate of the sensitive lifecycle actions (email change, deletion): the signed-in user
 * proves again that they are the account's owner. Answers the account's address.
 */
export async function requireRecentAuth(ctx: StepUpContext): Promise<{ email: string }> {
  const deps = { db: getDb(), throttles: getAuthThrottles(), audit: getAuditLog() };
  const { email } = await verifyCurrentPassword(deps, ctx.auth.userId, ctx.currentPassword, ctx.request);
  return { email };
}
