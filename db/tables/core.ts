import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    /** Null until the owner of the address chooses a password through the emailed link. */
    passwordHash: text('password_hash'),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    /** Bumped by every reset, change and "sign out everywhere": device exemptions from older epochs lapse. */
    credentialEpoch: integer('credential_epoch').notNull().default(0),
    /** The TOTP secret, sealed with ENCRYPTION_KEY under `users:<id>:totp`; set once a code confirmed it. */
    totpSecret: text('totp_secret'),
    /** A secret shown for enrolment and not yet confirmed by a code, sealed like totpSecret. */
    totpPendingSecret: text('totp_pending_secret'),
    /** The last TOTP time step accepted: a code is accepted only for a later step (replay guard). */
    totpLastStep: integer('totp_last_step'),
    /** The WebAuthn user handle: random bytes (base64url), never the email; made with the first passkey. */
    passkeyUserHandle: text('passkey_user_handle'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email), uniqueIndex('users_passkey_user_handle_unique').on(t.passkeyUserHandle)],
);

/** One row per signed-in browser. The cookie holds a sealed random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    pendingSecondFactor: boolean('pending_second_factor').notNull().default(false),
    /** When this session last proved its user (password, plus the second factor when on): step-up. */
    reauthenticatedAt: timestamp('reauthenticated_at', { withTimezone: true }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip').notNull(),
    userAgent: text('user_agent').notNull().default(''),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_unique').on(t.tokenHash),
    index('sessions_user_id_idx').on(t.userId),
    index('sessions_expires_at_idx').on(t.expiresAt),
  ],
);

export const authTokenPurposes = [
  'activation',
  'password_reset',
  'email_change',
  'email_change_undo',
  'unlock',
] as const;
export type AuthTokenPurpose = (typeof authTokenPurposes)[number];

/** Opaque single-use tokens (activation, password reset, email change, unlock). Only their SHA-256 is stored. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: authTokenPurposes }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The address a token is about: the new one for an email change, the one to restore for its undo. */
    email: text('email'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('auth_tokens_token_hash_unique').on(t.tokenHash),
    index('auth_tokens_user_purpose_idx').on(t.userId, t.purpose),
    index('auth_tokens_expires_at_idx').on(t.expiresAt),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    event: text('event').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    method: text('method'),
    path: text('path'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_user_created_idx').on(t.userId, t.createdAt),
    index('audit_events_created_idx').on(t.createdAt),
    index('audit_events_event_idx').on(t.event),
  ],
);

/**
 * Counters for the Postgres throttle store (server/security/throttle-postgres.ts), used when no
 * REDIS_URL is configured. The store talks SQL directly; keep the column names in step.
 */
export const throttleCounters = pgTable(
  'throttle_counters',
  {
    key: text('key').primaryKey(),
    attempts: integer('attempts').notNull(),
    windowExpiresAt: timestamp('window_expires_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockouts: integer('lockouts').notNull().default(0),
    lockoutsExpireAt: timestamp('lockouts_expire_at', { withTimezone: true }),
  },
  (t) => [index('throttle_counters_expiry_idx').on(t.windowExpiresAt)],
);

/**
 * Every mail is written here first; a deliverer claims it under a lease, sends it and marks it sent.
 * `body` is the text and HTML sealed with ENCRYPTION_KEY, and is cleared once the mail is delivered.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    body: text('body'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    leaseToken: uuid('lease_token'),
    createdAt: createdAt(),
  },
  (t) => [
    index('mail_outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} is null`),
    index('mail_outbox_to_idx').on(t.to, t.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
