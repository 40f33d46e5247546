import { exportAccountData } from '@/server/account-lifecycle/export';
import { loadRequestSession } from '@/server/auth/request-session';
import { getDb } from '@/server/core/db';
import { requestInfoFrom } from '@/server/core/request-info';
import { API_CONTENT_SECURITY_POLICY } from '@/server/http/refusal';
import { RetryLaterError, SecurityError } from '@/server/security/errors';

export const dynamic = 'force-dynamic';

const PRIVATE = { 'Cache-Control': 'private, no-store', 'Content-Security-Policy': API_CONTENT_SECURITY_POLICY };

/** "Download my data" for the signed-in user, as a JSON attachment; 401 for anyone else. */
export async function GET(request: Request) {
  const db = getDb();
  const session = await loadRequestSession({ db, headers: request.headers });
  if (!session || session.pendingSecondFactor) {
    return Response.json({ error: 'UNAUTHORIZED', message: 'Please sign in.' }, { status: 401, headers: PRIVATE });
  }
  const actor = { ...requestInfoFrom(request.headers, 'GET', '/api/account/export'), userId: session.userId };
  try {
    const data = await exportAccountData(actor);
    const disposition = 'attachment; filename="bastion-account-data.json"';
    return Response.json(data, { headers: { ...PRIVATE, 'Content-Disposition': disposition } });
  } catch (error) {
    if (!(error instanceof SecurityError)) throw error;
    const headers = new Headers(PRIVATE);
    if (error instanceof RetryLaterError) headers.set('Retry-After', String(error.retryAfterSeconds));
    return Response.json({ error: error.name, message: error.message }, { status: error.status, headers });
  }
}
