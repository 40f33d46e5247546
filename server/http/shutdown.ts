// Graceful shutdown on SIGTERM/SIGINT: refuse new requests (503, Connection: close), let the
// ones in flight finish within a bound, close idle keep-alive and upgraded sockets, stop
// background work, finish what answered requests left for after their answer, close the database
// and Redis clients, and exit 0 by the bound whatever is still open. Outbox mail needs nothing
// more: a claimed mail is only marked sent after its send.
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { backgroundWorkSettled } from '../core/background-work';
import { closeDatabase } from '../core/db';
import { getLogger } from '../core/log';
import { closeRedis } from '../core/redis';
import { closeUpgradedSockets, loadShedderOf } from './entry';

export type ShutdownPlan = {
  server: Server;
  graceMs: number;
  /** Stops timers and loops (housekeeping) before the clients they use are closed. */
  stopBackground: () => void;
  /** Runs last, after the clients are closed (the embedded Postgres stops here). */
  afterClose?: () => Promise<void>;
  exit?: (code: number) => void;
};

const IDLE_SWEEP_MS = 50;
/** Each client gets this share of the grace period to close, so a dead Postgres cannot use it all. */
const CLIENT_CLOSE_SHARE = 0.2;

async function requestsFinished(server: Server, deadline: number): Promise<boolean> {
  const shedder = loadShedderOf(server);
  while (Date.now() < deadline) {
    if ((shedder?.openRequests ?? 0) === 0) return true;
    // A keep-alive socket whose response just ended is idle now: close it before it brings another request.
    server.closeIdleConnections();
    await sleep(IDLE_SWEEP_MS);
  }
  return false;
}

export async function shutDown({ server, graceMs, stopBackground, afterClose, exit = process.exit }: ShutdownPlan) {
  const log = getLogger();
  const deadline = Date.now() + graceMs;
  const forced = setTimeout(() => {
    log.warn({ graceMs }, 'shutdown: grace period over, exiting with work still open');
    exit(0);
  }, graceMs);
  forced.unref();
  loadShedderOf(server)?.drain();
  server.close();
  server.closeIdleConnections();
  closeUpgradedSockets(server);
  stopBackground();
  const clientsCloseAt = deadline - graceMs * CLIENT_CLOSE_SHARE * 2;
  const finished = await requestsFinished(server, clientsCloseAt);
  if (!finished) log.warn('shutdown: requests still in flight past the grace period are cut');
  server.closeAllConnections();
  // What answered requests left for after their answer (their mail) still needs the database.
  if (!(await backgroundWorkSettled(clientsCloseAt))) log.warn('shutdown: work left after answers is cut');
  const clientMs = graceMs * CLIENT_CLOSE_SHARE;
  await Promise.all([closeDatabase(clientMs).catch(() => undefined), closeRedis(clientMs)]);
  await afterClose?.();
  clearTimeout(forced);
  exit(0);
}
