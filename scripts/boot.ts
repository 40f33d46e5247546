// Shared start-up for `npm run dev` and `npm start`: validate configuration (exit 1 naming every
// bad variable), migrate, start the HTTP entry, and shut down cleanly on SIGINT/SIGTERM.
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import nextEnv from '@next/env';
import { migrateDatabase } from '../db/migrate';
import { ignoreClosedOutput } from '../server/core/closed-output';
import { ConfigError, type Config, getConfig, loadConfig } from '../server/core/config';
import { startHousekeeping } from '../server/core/housekeeping';
import { startHttpEntry } from '../server/http/entry';
import { shutDown } from '../server/http/shutdown';

/** Validates the environment as it is now (without caching it); exits 1 naming each bad variable. */
export function configOrExit(): Config {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== 'production', { info: () => undefined, error: console.error });
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n${error.message}\n\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
}

export async function boot(options: { dev: boolean; onShutdown?: () => Promise<void> }): Promise<Server> {
  ignoreClosedOutput();
  configOrExit();
  const config = getConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  await migrateDatabase(config.databaseUrl);
  // Uploads live outside public/, readable by this process only; fail now, not at the first upload.
  await mkdir(config.uploadDir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    console.error(`\nUPLOAD_DIR ${config.uploadDir} cannot be created: ${(error as Error).message}\n`);
    process.exit(1);
  });
  if (config.production && !config.smtpUrl) {
    console.warn('MAIL_DELIVERY=outbox: mail is kept in the outbox on purpose and nothing is sent.');
  }
  const server = await startHttpEntry(config, { dev: options.dev });
  const stopHousekeeping = startHousekeeping(config.housekeepingIntervalMs);
  // In development, one address: the origin the CSRF check and cookies expect.
  console.log(
    options.dev
      ? `Bastion is running: open ${config.appOrigin}`
      : `Bastion listening on http://${config.host}:${config.port} (public origin ${config.appOrigin})`,
  );

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await shutDown({
      server,
      graceMs: config.load.shutdownGraceMs,
      stopBackground: stopHousekeeping,
      afterClose: options.onShutdown,
    });
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  return server;
}
