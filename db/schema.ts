import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

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

export const files = pgTable(
  'files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    storedName: uuid('stored_name').notNull(),
    mime: text('mime').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('files_owner_idx').on(t.ownerId, t.createdAt), uniqueIndex('files_stored_name_unique').on(t.storedName)],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** The signing secret, sealed with ENCRYPTION_KEY (server/webhooks/service.ts); shown to the owner once. */
    secret: text('secret').notNull(),
    lastStatus: text('last_status'),
    lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('webhooks_owner_idx').on(t.ownerId, t.createdAt)],
);

/** Single-use second-factor codes: only the SHA-256 of each (80 random bits) is stored. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_unique').on(t.userId, t.codeHash)],
);

/**
 * Browsers that skip the code step for one user. The cookie holds a random token; only its SHA-256
 * is stored. A row counts only while its epoch is the user's credential epoch.
 */
export const trustedBrowsers = pgTable(
  'trusted_browsers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    credentialEpoch: integer('credential_epoch').notNull(),
    ip: text('ip').notNull(),
    userAgent: text('user_agent').notNull().default(''),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('trusted_browsers_token_hash_unique').on(t.tokenHash), index('trusted_browsers_user_idx').on(t.userId)],
);

/** Browsers (device cookie ids) that signed in to an account: a new one gets the owner a mail, once. */
export const knownDevices = pgTable(
  'known_devices',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.deviceId] })],
);

/** WebAuthn credentials. A credential id belongs to one user only (the unique index, across users). */
export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The signature counter (uint32); 0 for authenticators that do not count, such as synced passkeys. */
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    backedUp: boolean('backed_up').notNull().default(false),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('passkeys_credential_id_unique').on(t.credentialId), index('passkeys_user_idx').on(t.userId)],
);

export const passkeyChallengePurposes = ['register', 'sign_in', 'second_factor'] as const;
export type PasskeyChallengePurpose = (typeof passkeyChallengePurposes)[number];

/**
 * Outstanding WebAuthn challenges, each bound to the browser that asked (its session, pending
 * sign-in or a cookie's hash) and deleted by the statement that uses it.
 */
export const passkeyChallenges = pgTable(
  'passkey_challenges',
  {
    challenge: text('challenge').primaryKey(),
    purpose: text('purpose', { enum: passkeyChallengePurposes }).notNull(),
    binding: text('binding').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('passkey_challenges_expires_at_idx').on(t.expiresAt)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
