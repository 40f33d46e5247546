// Security audit log: one structured log line and one stored row per security event, with
// secrets scrubbed from the details before either is written. Copy with a logger (pino or
// anything with info/warn) and a sink that stores rows (server/core/audit-log.ts has a Drizzle one).

export const SECURITY_EVENTS = [
  // the events every security audit log records
  'login_success',
  'login_failure',
  'account_locked',
  'password_changed',
  'permission_denied',
  'token_revoked',
  'suspicious_activity',
  'data_export',
  'admin_action',
  // the events of Bastion's own flows
  'signup',
  'signup_existing_email',
  'account_activated',
  'activation_requested',
  'login_blocked',
  'logout',
  'session_revoked',
  'password_reset_requested',
  'password_reset_completed',
  'unauthenticated_access',
  'csrf_rejected',
  'rate_limited',
  'throttle_store_failure',
  'file_uploaded',
  'file_deleted',
  'upload_rejected',
  'webhook_registered',
  'webhook_blocked',
  'webhook_sent',
  'two_factor_enabled',
  'two_factor_disabled',
  'two_factor_failure',
  'two_factor_replay_refused',
  'two_factor_locked',
  'second_factor_verified',
  'recovery_code_used',
  'recovery_codes_regenerated',
  'trusted_browser_added',
  'trusted_browser_revoked',
  'step_up',
  'email_change_requested',
  'email_changed',
  'email_change_undone',
  'account_deleted',
  'new_device_sign_in',
  'account_unlocked',
  'passkey_added',
  'passkey_renamed',
  'passkey_removed',
  'passkey_failure',
  'passkey_counter_rollback',
] as const;

export type SecurityEventName = (typeof SECURITY_EVENTS)[number];

export type AuditEntry = {
  event: SecurityEventName;
  userId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  method?: string | null;
  path?: string | null;
  details?: Record<string, unknown>;
};

export type AuditRecord = Required<Omit<AuditEntry, 'details'>> & { details: Record<string, unknown> };
export type AuditSink = (record: AuditRecord) => Promise<void>;
export type AuditLogger = { info(object: object, message: string): void; error(object: object, message: string): void };

const SECRET_KEY = /pass(word)?|token|secret|cookie|authori[sz]ation|otp|totp|seal|signature|hash(?!ed)|api[-_]?key|private[-_]?key|credential/i;
// A secret in a value rather than a key: `?token=…`-style query parameters, `Bearer …` credentials.
const SECRET_IN_VALUE = /([?&;](?:[\w-]*(?:token|secret|password|key|code|sig)[\w-]*)=)[^&#\s]+|(\bBearer\s+)[\w.~+/-]+=*/gi;
const MAX_STRING = 256;
const MAX_DEPTH = 4;
const MAX_KEYS = 50;

/**
 * Replaces values under secret-looking keys and secrets inside strings, truncates long strings, bounds size and depth.
 */
export function sanitizeAuditDetails(details: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details).slice(0, MAX_KEYS)) {
    // defineProperty, not assignment: a "__proto__" key must stay data, never become the prototype.
    const cleaned = SECRET_KEY.test(key) ? '[redacted]' : sanitizeValue(value, depth);
    Object.defineProperty(
      clean,
      key.slice(0, 64),
      { value: cleaned, enumerable: true, writable: true, configurable: true },
    );
  }
  return clean;
}

/** Replaces secrets inside free text (`?token=…` parameters, `Bearer …` credentials) with [redacted]. */
export function scrubSecretsInText(value: string): string {
  return value.replace(SECRET_IN_VALUE, (_match, parameter?: string, bearer?: string) => `${parameter ?? bearer ?? ''}[redacted]`);
}

function sanitizeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    const scrubbed = scrubSecretsInText(value);
    return scrubbed.length > MAX_STRING ? `${scrubbed.slice(0, MAX_STRING)}…` : scrubbed;
  }
  // An error's message may quote anything (SQL, paths, input): keep only its name.
  if (value instanceof Error) return { name: value.name };
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => sanitizeValue(item, depth + 1));
  return sanitizeAuditDetails(value as Record<string, unknown>, depth + 1);
}

const bounded = (value: string | null | undefined, max: number) => (value ? value.slice(0, max) : null);

export class AuditLog {
  constructor(private readonly options: { logger: AuditLogger; sink: AuditSink }) {}

  /**
   * Writes the log line and the row. Pass `sink` bound to a transaction to store the event
   * atomically with the change it records; then a failure to store it aborts that transaction.
   * With the default sink a storage failure is logged, never thrown at the user.
   */
  async record(entry: AuditEntry, sink?: AuditSink): Promise<void> {
    const record: AuditRecord = {
      event: entry.event,
      userId: entry.userId ?? null,
      ip: bounded(entry.ip, 64),
      userAgent: bounded(entry.userAgent, 512),
      method: bounded(entry.method, 16),
      path: bounded(entry.path, 512),
      details: sanitizeAuditDetails(entry.details ?? {}),
    };
    this.options.logger.info({ audit: record }, `security event: ${record.event}`);
    if (sink) return sink(record);
    try {
      await this.options.sink(record);
    } catch (error) {
      this.options.logger.error({ err: error, event: record.event }, 'failed to store audit event');
    }
  }
}
