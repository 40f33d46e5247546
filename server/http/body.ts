import { PayloadTooLargeError } from '@/server/security/errors';
import { readBodyWithLimit } from '@/server/security/upload';

/** Paths with the upload budget; every other request gets BODY_LIMIT_BYTES. */
export const UPLOAD_PATHS: readonly string[] = ['/api/trpc/files.upload'];

/** The body limit of a path — one rule for the HTTP entry, middleware.ts and the route handlers. */
export function bodyLimitFor(pathname: string, limits: { bodyLimitBytes: number; uploadLimitBytes: number }): number {
  return UPLOAD_PATHS.includes(pathname) ? limits.uploadLimitBytes : limits.bodyLimitBytes;
}

type Limited = { ok: true; request: Request } | { ok: false; limitBytes: number };

/**
 * Reads a request body up to the configured limit, whether or not a length was declared
 * (chunked bodies are cut off while reading), and returns a replayable copy of the request.
 */
export async function readRequestWithLimit(req: Request, limitBytes: number): Promise<Limited> {
  if (!req.body) return { ok: true, request: req };
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limitBytes) return { ok: false, limitBytes };
  try {
    const body = await readBodyWithLimit(req.body, limitBytes);
    return { ok: true, request: new Request(req.url, { method: req.method, headers: req.headers, body }) };
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return { ok: false, limitBytes };
    throw error;
  }
}

export function tooLargeResponse(limitBytes: number): Response {
  return Response.json(
    { error: 'PAYLOAD_TOO_LARGE', message: `Request body exceeds the ${limitBytes}-byte limit.` },
    { status: 413, headers: { Connection: 'close' } },
  );
}
