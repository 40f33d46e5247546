// Request bodies at the HTTP entry: which requests may carry one and how large, decided once, and
// enforced before Next reads a byte — Next buffers bodies for middleware up to 10 MiB.
import type { IncomingMessage } from 'node:http';
import { type Refusal, refusal } from './refusal';

/** Paths with the upload budget; other tRPC calls get BODY_LIMIT_BYTES. */
export const UPLOAD_PATHS: readonly string[] = ['/api/trpc/files.upload'];

/** The body limit of a request: only POSTs to tRPC take a body; everything else takes none. */
type BodyLimits = { bodyLimitBytes: number; uploadLimitBytes: number };

export function bodyLimitFor(method: string, pathname: string, limits: BodyLimits): number {
  if (method !== 'POST' || !pathname.startsWith('/api/trpc/')) return 0;
  return UPLOAD_PATHS.includes(pathname) ? limits.uploadLimitBytes : limits.bodyLimitBytes;
}

export function bodyTooLarge(limitBytes: number): Refusal {
  if (limitBytes === 0) return refusal(413, 'This request takes no body.');
  return refusal(413, `Request body exceeds the ${limitBytes}-byte limit.`);
}

/** The refusal of a declared Content-Length, or null when the declared body fits. */
export function declaredBodyRefusal(declared: string | undefined, limitBytes: number): Refusal | null {
  if (declared === undefined) return null;
  if (!/^\d{1,15}$/.test(declared)) return refusal(400, 'Invalid Content-Length.');
  return Number(declared) > limitBytes ? bodyTooLarge(limitBytes) : null;
}

export const hasChunkedBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined;

/**
 * Holds a chunked body back from the request stream until it has arrived whole, counting bytes
 * as the HTTP parser delivers them (it hands each chunk to `push`). Resolves true once the body
 * fits and has been handed on; false as soon as it passes the limit, keeping nothing of it.
 */
export function holdChunkedBody(req: IncomingMessage, limitBytes: number): Promise<boolean> {
  const held: Buffer[] = [];
  let received = 0;
  const release = () => Reflect.deleteProperty(req, 'push');
  return new Promise((resolve) => {
    req.push = (chunk: Buffer | null) => {
      if (chunk === null) {
        release();
        for (const part of held) req.push(part);
        resolve(true);
        return req.push(null);
      }
      received += chunk.length;
      if (received <= limitBytes) return held.push(chunk) > 0;
      release();
      held.length = 0;
      resolve(false);
      return true;
    };
  });
}
