import pino from 'pino';
import { getConfig } from './config';
import { processSingleton } from './singleton';
import { scrubSecretsInText } from '../security/audit';

// Secrets never reach the log: these paths are censored wherever they appear in a log object.
const REDACT = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'secret',
  'cookie',
  'authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.secret',
  '*.cookie',
  '*.authorization',
  'headers.cookie',
  'headers.authorization',
];

/** Fields of database errors that carry the values a failed query was given. */
const VALUE_FIELDS = new Set(['params', 'parameters', 'args', 'types', 'raw']);

function scrubText(text: string): string {
  return scrubSecretsInText(text)
    .replace(/^params: .*$/gm, 'params: [redacted]')
    .replace(/(Key \([^)]*\)=)\(.*?\)/g, '$1([redacted])');
}

/**
 * pino's error serializer, minus the values of failed queries: drizzle puts them in the message
 * (`params: …`) and postgres.js in `parameters`, and they can be anything a user sent — a
 * password, a webhook secret, a token.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  if (serialized === null || typeof serialized !== 'object') return serialized;
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (VALUE_FIELDS.has(key)) continue;
    if (typeof value === 'string') clean[key] = scrubText(value);
    else if (value === null || typeof value !== 'object') clean[key] = value;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 3) clean.cause = serializeError(cause, depth + 1);
  return clean;
}

/** A pino logger with Bastion's redaction; `destination` is for tests that read the lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'bastion' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: (value: unknown) => serializeError(value), error: (value: unknown) => serializeError(value) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The process's pino logger. */
export function getLogger(): pino.Logger {
  return processSingleton('logger', () => createLogger(getConfig().logLevel));
}
