// The server Playwright runs: throwaway PostgreSQL (or PGlite) and Redis, migrated, and the
// built app on E2E_PORT, delivering mail over SMTP to a local catcher with an inbox page. Everything stops when
// Playwright sends SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '../db/migrate';
import { startApp } from './app';
import { startMailCatcher } from './mail-catcher';
import { redisServerBin, type RunningService, startRedisServer, startThrowawayPostgres } from './services';

const [port, smtpPort, mailboxPort, passkeyPort] = process.argv.slice(2, 6).map(Number);
if (!port || !smtpPort || !mailboxPort || !passkeyPort) {
  throw new Error('usage: e2e-server.ts <app port> <smtp port> <mailbox port> <passkey app port>');
}
const running: RunningService[] = [];
const stopAll = async () => {
  await Promise.allSettled(running.reverse().map((service) => service.stop()));
  process.exit(0);
};
process.on('SIGTERM', () => void stopAll());
process.on('SIGINT', () => void stopAll());

const catcher = await startMailCatcher(smtpPort, mailboxPort);
running.push({ url: `http://127.0.0.1:${mailboxPort}`, stop: catcher.stop });
const postgres = await startThrowawayPostgres();
running.push(postgres);
await migrateDatabase(postgres.url);
const redisBin = redisServerBin();
const redis = redisBin ? await startRedisServer(redisBin) : undefined;
if (redis) running.push(redis);
const uploadDir = mkdtempSync(join(tmpdir(), 'bastion-e2e-uploads-'));
running.push({ url: uploadDir, stop: async () => rmSync(uploadDir, { recursive: true, force: true }) });
const appEnv = {
  DATABASE_URL: postgres.url,
  REDIS_URL: redis?.url,
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  UPLOAD_DIR: uploadDir,
  LOG_LEVEL: 'warn',
};
// Browsers accept only domains as WebAuthn RP IDs, so the passkey demo uses an app served as localhost.
const passkeyApp = await startApp({ ...appEnv, APP_ORIGIN: `http://localhost:${passkeyPort}` }, passkeyPort);
running.push({ url: passkeyApp.origin, stop: passkeyApp.stop });
// Started last: Playwright waits for this one, and the others are up by then.
const app = await startApp(appEnv, port);
running.push({ url: app.origin, stop: app.stop });
console.log(`e2e app ready at ${app.origin} (${postgres.kind}${redis ? ' + redis' : ''})`);
