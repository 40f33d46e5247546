// The HTTP entry: a small Node server around Next's request handler. It records the socket's
// peer address in an internal header (after deleting any inbound copy, so a client cannot
// choose its own IP) and applies Node's timeouts and header-size limits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import next from 'next';
import { normaliseIp, PEER_IP_HEADER } from './security/client-ip';
import type { Config } from './config';
import { bodyLimitFor } from './http/body';

export function recordPeerAddress(req: IncomingMessage): void {
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a constant name; the inbound copy must go
  delete req.headers[PEER_IP_HEADER];
  const peer = normaliseIp(req.socket.remoteAddress ?? '');
  if (peer) req.headers[PEER_IP_HEADER] = peer;
}

/**
 * A declared body over the path's limit is refused here, before a byte of it is read: Next
 * would otherwise buffer the body for middleware.ts first. (Chunked bodies are cut off while
 * reading, by the route handlers.)
 */
const DISCARD_ALLOWANCE = 1024 * 1024;

function refuseOversizedBody(req: IncomingMessage, res: ServerResponse, config: Config): boolean {
  const declared = req.headers['content-length'];
  if (declared === undefined) return false;
  const limit = bodyLimitFor(new URL(req.url ?? '/', 'http://entry').pathname, config);
  if (/^\d{1,15}$/.test(declared) && Number(declared) <= limit) return false;
  const bad = !/^\d{1,15}$/.test(declared);
  const body = JSON.stringify(bad ? { error: 'BAD_REQUEST', message: 'Invalid Content-Length.' } : { error: 'PAYLOAD_TOO_LARGE', message: `Request body exceeds the ${limit}-byte limit.` });
  res.writeHead(bad ? 400 : 413, {
    'Content-Type': 'application/json',
    'Content-Security-Policy': 'default-src \'none\'; frame-ancestors \'none\'',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(body);
  // The answer goes out at once. Closing the socket now would make many clients fail with EPIPE
  // before they read it, so the body is discarded as it arrives — up to a bound, past which the
  // connection is cut.
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit + DISCARD_ALLOWANCE) req.socket.destroy();
  });
  req.resume();
  return true;
}

export async function startHttpEntry(config: Config, options: { dev: boolean; dir?: string }): Promise<Server> {
  const app = next({ dev: options.dev, dir: options.dir ?? process.cwd(), hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer(
    {
      maxHeaderSize: config.http.maxHeaderSize,
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.headersTimeoutMs,
      // How often Node looks for connections past those timeouts (default 30 s, too coarse).
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
    },
    (req, res) => {
      recordPeerAddress(req);
      if (refuseOversizedBody(req, res, config)) return;
      void handle(req, res);
    },
  );
  server.headersTimeout = config.http.headersTimeoutMs;
  server.requestTimeout = config.http.requestTimeoutMs;
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  if (options.dev) {
    const upgrade = app.getUpgradeHandler();
    server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
  }
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  return server;
}
