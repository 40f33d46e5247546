import { readFile } from 'node:fs/promises';
import { loadRequestSession } from '@/server/auth/request-session';
import { getDb } from '@/server/core/db';
import { findOwnFile } from '@/server/files/service';
import { API_CONTENT_SECURITY_POLICY } from '@/server/http/refusal';
import { NotFoundError } from '@/server/security/errors';

export const dynamic = 'force-dynamic';

const notFound = () => Response.json({ error: 'NOT_FOUND', message: 'No such file.' }, { status: 404, headers: { 'Cache-Control': 'private, no-store' } });

/** RFC 8187 value encoding: encodeURIComponent leaves ' ( ) * ! unescaped, which the RFC does not allow. */
const rfc8187 = (value: string) => encodeURIComponent(value).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Downloads a file its owner uploaded. Anyone else — and any unknown id — gets the same 404. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const db = getDb();
  const session = await loadRequestSession({ db, headers: request.headers });
  if (!session || session.pendingSecondFactor) return notFound();
  try {
    const file = await findOwnFile(db, session.userId, (await params).id);
    const bytes = await readFile(file.path);
    const asciiName = file.displayName.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return new Response(bytes, {
      headers: {
        'Content-Type': file.mime,
        'Content-Length': String(bytes.length),
        'Content-Disposition': `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc8187(file.displayName)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': API_CONTENT_SECURITY_POLICY,
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (error) {
    if (error instanceof NotFoundError || (error as { code?: string }).code === 'ENOENT') return notFound();
    throw error;
  }
}
