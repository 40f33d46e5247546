import pino from 'pino';
import { getConfig } from './config';

// Secrets never reach the log: these paths are censored wherever they appear in a log object.
const REDACT = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'cookie',
  'authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.cookie',
  '*.authorization',
  'headers.cookie',
  'headers.authorization',
];

type Shared = { bastionLogger?: pino.Logger };

/** One pino logger per process (shared across Next's bundles through globalThis). */
export function getLogger(): pino.Logger {
  const shared = globalThis as Shared;
  shared.bastionLogger ??= pino({
    level: getConfig().logLevel,
    base: { app: 'bastion' },
    redact: { paths: REDACT, censor: '[redacted]' },
  });
  return shared.bastionLogger;
}
