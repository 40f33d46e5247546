import type { AuditEntry } from '../security/audit';

/** Who is asking: the client as the boundary resolved it, and what it asked for. */
export type RequestInfo = { ip: string; userAgent: string; method?: string; path?: string };

/** Who is asking, once the session has named the user. */
export type UserRequest = RequestInfo & { userId: string };

/** The audit entry of one event, stamped with who asked. */
export function auditEntry(
  request: RequestInfo,
  event: AuditEntry['event'],
  userId: string | null,
  details?: Record<string, unknown>,
): AuditEntry {
  const { ip, userAgent, method, path } = request;
  return { event, userId, ip, userAgent, method, path, details };
}
