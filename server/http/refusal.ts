// How the HTTP boundary refuses a request: one JSON shape with a message safe to show, the
// security headers on every answer, and no stack trace — whether the answer goes out through a
// ServerResponse, a raw socket (upgrades, parse errors) or middleware.
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { pageSecurityHeaders } from '@/server/security/headers';

export type Refusal = { status: number; error: string; message: string; headers?: Record<string, string> };

/** For answers that are data, never a document: nothing loads, nothing frames it. */
export const REFUSAL_CONTENT_SECURITY_POLICY = `default-src 'none'; frame-ancestors 'none'`;

/** API answers are data or downloads: nothing in them loads or runs, whatever their type. */
export const API_CONTENT_SECURITY_POLICY = `default-src 'none'; sandbox`;

/** Refusals the boundary can make, by status; the name is the `error` field clients match on. */
const ERROR_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

export function refusal(status: keyof typeof ERROR_NAMES, message: string, headers?: Record<string, string>): Refusal {
  return { status, error: ERROR_NAMES[status] ?? 'BAD_REQUEST', message, headers };
}

/** The 503 for a request shed under load; `reason` goes out as `X-Shed-Reason`. */
export const busy = (reason: string) => refusal(503, 'The server is busy. Please try again shortly.', {
  'Retry-After': '1',
  'X-Shed-Reason': reason,
});

export const refusalBody = ({ error, message }: Refusal) => ({ error, message });

function refusalHeaders(refused: Refusal, production: boolean): Record<string, string> {
  return {
    ...pageSecurityHeaders({ production }),
    'Content-Security-Policy': REFUSAL_CONTENT_SECURITY_POLICY,
    'Cache-Control': 'private, no-store',
    'Content-Type': 'application/json',
    ...refused.headers,
  };
}

export function writeRefusal(res: ServerResponse, refused: Refusal, production: boolean): void {
  res.writeHead(refused.status, refusalHeaders(refused, production));
  res.end(JSON.stringify(refusalBody(refused)));
}

/** For a socket the HTTP server has let go of: the whole response as bytes, then the socket closes. */
export function endSocketWithRefusal(socket: Duplex, refused: Refusal, production: boolean): void {
  const body = JSON.stringify(refusalBody(refused));
  const headers = {
    ...refusalHeaders(refused, production),
    'Content-Length': String(Buffer.byteLength(body)),
    'Connection': 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const statusLine = `HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status] ?? ''}`;
  socket.end(`${statusLine}\r\n${head}\r\n${body}`, () => socket.destroy());
}
