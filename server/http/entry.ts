// The HTTP entry: a small Node server around Next's request handler, and the first gate every
// request meets. It records the socket's peer address in an internal header (after deleting any
// inbound copy of the internal headers, so a client cannot choose its own IP or nonce), applies
// Node's timeouts and header-size limits, refuses what no route serves (methods, targets, upgrades,
// bodies where none belong or past the limit) before Next reads a byte, and answers every refusal
// in one shape.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import next from 'next';
import { normaliseIp, PEER_IP_HEADER } from '../security/client-ip';
import { CLIENT_IP_HEADER, NONCE_HEADER } from '../security/headers';
import type { Config } from '../core/config';
import { getLogger } from '../core/log';
import { bodyLimitFor, bodyTooLarge, declaredBodyRefusal, hasChunkedBody, holdChunkedBody } from './body';
import { answerClientError } from './client-error';
import { devOriginRedirect } from './dev';
import { type Refusal, writeRefusal } from './refusal';
import { checkRequestLine } from './request-line';
import { UpgradeGate } from './upgrade';
import { markHttpEntryRunning } from './client-address';
import { runWithExchange } from './exchange';
import { LoadShedder, publishPressure } from './load-shedding';
import { UnknownPaths, writeNotFound } from './unknown-paths';
import { limitPasswordHashing, passwordHashingCapacity } from '../security/password';
import { publishSignInLoad, SignInAdmission } from './sign-in-admission';

/** Headers only Bastion writes: a client's copies never get past the entry. */
const INTERNAL_HEADERS = [PEER_IP_HEADER, CLIENT_IP_HEADER, NONCE_HEADER];

export function recordPeerAddress(req: IncomingMessage): void {
  for (const internal of INTERNAL_HEADERS) {
    // Only when present: a delete turns the headers object into a slow dictionary for the rest of the request.
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- constant names; a client's copy must go
    if (internal in req.headers) delete req.headers[internal];
  }
  const peer = normaliseIp(req.socket.remoteAddress ?? '');
  if (peer) req.headers[PEER_IP_HEADER] = peer;
}

/** How much of a refused request's body is read and dropped before the connection is cut. */
const DISCARD_ALLOWANCE = 1024 * 1024;

/**
 * The answer goes out at once. Closing the socket now would make many clients fail with EPIPE
 * before they read it, so whatever body follows is discarded as it arrives, up to a bound.
 */
function refuse(req: IncomingMessage, res: ServerResponse, refused: Refusal, config: Config): void {
  writeRefusal(res, refused, config.production);
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_ALLOWANCE) req.socket.destroy();
  });
  req.resume();
}

type Screened = Refusal | { redirect: string } | { notFound: string } | null;

/** What the entry answers itself, or null to hand the request on (its chunked body, if any, held until whole). */
async function screen(
  req: IncomingMessage, res: ServerResponse, config: Config, dev: boolean, unknownPaths: UnknownPaths | null,
): Promise<Screened> {
  const badLine = checkRequestLine(req);
  if (badLine) return badLine;
  const url = req.url ?? '/';
  const reading = req.method === 'GET' || req.method === 'HEAD';
  const ownOrigin = dev && reading ? devOriginRedirect(req.headers.host, config.appOrigin) : null;
  if (ownOrigin) return { redirect: `${ownOrigin}${url}` };
  const pathname = url.split('?', 1)[0] ?? '/';
  const limit = bodyLimitFor(req.method ?? '', pathname, config);
  const declared = declaredBodyRefusal(req.headers['content-length'], limit);
  if (declared) return declared;
  // A client that waits for `100 Continue` is told to send its body only once the request passed.
  if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
  if (hasChunkedBody(req) && !(await holdChunkedBody(req, limit))) return bodyTooLarge(limit);
  return reading && unknownPaths?.has(pathname) ? { notFound: pathname } : null;
}

const upgradeGates = new WeakMap<Server, UpgradeGate>();
const shedders = new WeakMap<Server, LoadShedder>();

/** The entry's load shedder: shutdown drains it and waits for its requests in flight. */
export const loadShedderOf = (server: Server): LoadShedder | undefined => shedders.get(server);

/** Closes the sockets an upgrade or CONNECT took over, which `server.closeAllConnections()` does not see. */
export function closeUpgradedSockets(server: Server): void {
  upgradeGates.get(server)?.destroyAll();
}

export async function startHttpEntry(config: Config, options: { dev: boolean; dir?: string }): Promise<Server> {
  const dir = options.dir ?? process.cwd();
  const app = next({
    dev: options.dev,
    dir,
    hostname: config.host,
    port: config.port,
    // Next attaches its own `upgrade` listener to the server it is given (else the first request's)
    // and leaves the sockets it does not serve open. In production it gets one that never listens,
    // so the entry alone decides; in development it serves its hot-reload socket there.
    httpServer: options.dev ? undefined : createServer(),
  });
  const handle = app.getRequestHandler();
  limitPasswordHashing({
    maxConcurrent: config.load.passwordHashConcurrency || undefined,
    maxWaitMs: config.load.passwordHashWaitMs,
  });
  await app.prepare();
  markHttpEntryRunning();
  // Development compiles routes on demand, so only a production build says which paths none serves.
  const unknownPaths = options.dev ? null : UnknownPaths.fromBuild(dir);

  const server = createServer(
    {
      maxHeaderSize: config.http.maxHeaderSize,
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.headersTimeoutMs,
      // How often Node looks for connections past those timeouts (default 30 s, too coarse).
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
    },
  );
  // In development, compiling a route blocks the event loop for seconds by design: shedding on that
  // lag would answer the developer's next request 503.
  const limits = options.dev ? { ...config.load, eventLoopLagLimitMs: Number.POSITIVE_INFINITY } : config.load;
  const shedder = new LoadShedder(limits, getLogger());
  shedders.set(server, shedder);
  publishPressure(shedder);
  server.once('close', () => shedder.stop());
  const signIns = new SignInAdmission(passwordHashingCapacity(), (refused) => shedder.countShed(refused));
  publishSignInLoad(signIns);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    recordPeerAddress(req);
    const closed = shedder.arrive(res);
    if (closed) return refuse(req, res, closed, config);
    screen(req, res, config, options.dev, unknownPaths)
      .then((screened) => {
        const answer = screened ?? signIns.admit(req, res) ?? shedder.admit(req, res);
        if (answer === null) return void runWithExchange({ req, res }, () => handle(req, res));
        if ('redirect' in answer) return void res.writeHead(307, { Location: answer.redirect }).end();
        if ('notFound' in answer) return writeNotFound(res, answer.notFound, config.production);
        refuse(req, res, answer, config);
      })
      .catch((error: unknown) => {
        getLogger().error({ err: error }, 'request screening failed');
        res.destroy();
      });
  };
  server.on('request', onRequest);
  server.on('checkContinue', onRequest);
  server.headersTimeout = config.http.headersTimeoutMs;
  server.requestTimeout = config.http.requestTimeoutMs;
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  const upgrades = new UpgradeGate({ production: config.production, hotReload: options.dev });
  upgradeGates.set(server, upgrades);
  server.on('upgrade', upgrades.onUpgrade);
  server.on('connect', upgrades.onConnect);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    answerClientError(error, socket, config.production);
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  return server;
}
