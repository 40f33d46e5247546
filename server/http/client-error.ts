// Requests Node's parser rejects (a lower-case method, a bad header, a timeout) are answered in
// the same shape as every other refusal, security headers included.
import type { Duplex } from 'node:stream';
import { endSocketWithRefusal, type Refusal, refusal } from './refusal';

const REFUSALS: Record<string, Refusal> = {
  HPE_HEADER_OVERFLOW: refusal(431, 'Request headers too large.'),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: refusal(413, 'Chunk extensions too large.'),
  ERR_HTTP_REQUEST_TIMEOUT: refusal(408, 'Request timed out.'),
};

/** A response already under way on this socket must not be corrupted by a second one. */
type ServerSocket = Duplex & { _httpMessage?: { headersSent: boolean } | null };

export function answerClientError(error: NodeJS.ErrnoException, socket: ServerSocket, production: boolean): void {
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) return void socket.destroy();
  endSocketWithRefusal(socket, REFUSALS[error.code ?? ''] ?? refusal(400, 'Malformed request.'), production);
}
