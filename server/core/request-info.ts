import type { AuditEntry } from '../security/audit';
import { CLIENT_IP_HEADER } from '../security/headers';

/** Who is asking: the client as the boundary resolved it, and what it asked for. */
export type RequestInfo = { ip: string; userAgent: string; method?: string; path?: string };

/** Who is asking, from the headers the boundary set: the client IP only from its internal header. */
export function requestInfoFrom(headers: Headers, method: string, path: string): RequestInfo {
  return { ip: headers.get(CLIENT_IP_HEADER) ?? 'unknown', userAgent: (headers.get('user-agent') ?? '').slice(0, 512), method, path };
}

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
