import { exportAccountData } from '@/server/account-lifecycle/export';
import { loadRequestSession } from '@/server/auth/request-session';
import { getDb } from '@/server/core/db';
import { CLIENT_IP_HEADER } from '@/server/security/headers';
import { API_CONTENT_SECURITY_POLICY } from '@/server/http/refusal';
import { SecurityError, TooManyRequestsError } from '@/server/security/errors';

export const dynamic = 'force-dynamic';

const PRIVATE = { 'Cache-Control': 'private, no-store', 'Content-Security-Policy': API_CONTENT_SECURITY_POLICY };

/** "Download my data" for the signed-in user, as a JSON attachment; 401 for anyone else. */
export async function GET(request: Request) {
  const db = getDb();
  const session = await loadRequestSession({ db, headers: request.headers });
  if (!session || session.pendingSecondFactor) {
    return Response.json({ error: 'UNAUTHORIZED', message: 'Please sign in.' }, { status: 401, headers: PRIVATE });
  }
  const ip = request.headers.get(CLIENT_IP_HEADER) ?? 'unknown';
  const userAgent = (request.headers.get('user-agent') ?? '').slice(0, 512);
  const actor = { userId: session.userId, ip, userAgent, method: 'GET', path: '/api/account/export' };
  try {
    const data = await exportAccountData(actor);
    const disposition = 'attachment; filename="bastion-account-data.json"';
    return Response.json(data, { headers: { ...PRIVATE, 'Content-Disposition': disposition } });
  } catch (error) {
    if (!(error instanceof SecurityError)) throw error;
    const headers = new Headers(PRIVATE);
    if (error instanceof TooManyRequestsError) headers.set('Retry-After', String(error.retryAfterSeconds));
    return Response.json({ error: error.name, message: error.message }, { status: error.status, headers });
  }
}
