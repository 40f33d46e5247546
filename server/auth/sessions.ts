import { and, desc, eq, gt, lt, ne, or, sql } from 'drizzle-orm';
import { sessions, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { generateOpaqueToken, hashOpaqueToken } from '@/server/security/opaque-token';

type Writer = Pick<Database, 'insert' | 'delete' | 'update' | 'select'>;

export type SessionPolicy = { idleSeconds: number; absoluteSeconds: number };
export type ValidSession = {
  sessionId: string;
  userId: string;
  email: string;
  pendingSecondFactor: boolean;
  /** The session proved its user (password, plus the second factor when on) within STEP_UP_SECONDS. */
  recentlyAuthenticated: boolean;
};

const LAST_SEEN_RESOLUTION_SECONDS = 60;
/** A session waiting for its second factor lives this long, and can do nothing but present it. */
export const PENDING_SECOND_FACTOR_SECONDS = 10 * 60;
/** Sensitive actions need the session to have proved its user this recently (step-up). */
export const STEP_UP_SECONDS = 10 * 60;

type NewSession = {
  userId: string;
  ip: string;
  userAgent: string;
  pendingSecondFactor: boolean;
  reauthenticated?: boolean;
};

/** A new random token on every login (no fixation); the database keeps only its SHA-256. */
export async function createSession(
  tx: Writer,
  input: NewSession,
  policy: SessionPolicy,
): Promise<{ token: string; sessionId: string }> {
  const { plaintext, tokenHash } = generateOpaqueToken();
  const lifetime = input.pendingSecondFactor ? PENDING_SECOND_FACTOR_SECONDS : policy.absoluteSeconds;
  const [row] = await tx
    .insert(sessions)
    .values({
      tokenHash,
      userId: input.userId,
      pendingSecondFactor: input.pendingSecondFactor,
      ip: input.ip,
      userAgent: input.userAgent.slice(0, 512),
      expiresAt: sql`now() + make_interval(secs => ${lifetime})`,
      reauthenticatedAt: input.reauthenticated ? sql`now()` : null,
    })
    .returning({ id: sessions.id });
  if (!row) throw new Error('session insert returned no row');
  return { token: plaintext, sessionId: row.id };
}

/**
 * Looks a token up by its hash and enforces idle and absolute expiry in the query itself.
 * Revocation deletes the row, so it takes effect at once on every app instance.
 */
export async function validateSessionToken(
  db: Database,
  token: string,
  policy: SessionPolicy,
): Promise<ValidSession | null> {
  const idleCutoff = sql`now() - make_interval(secs => ${policy.idleSeconds})`;
  const stepUpCutoff = sql`now() - make_interval(secs => ${STEP_UP_SECONDS})`;
  const [row] = await db
    .select({
      sessionId: sessions.id,
      userId: sessions.userId,
      email: users.email,
      pendingSecondFactor: sessions.pendingSecondFactor,
      recentlyAuthenticated: sql<boolean>`coalesce(${sessions.reauthenticatedAt} > ${stepUpCutoff}, false)`,
      stale: sql<boolean>`${sessions.lastSeenAt} < now() - make_interval(secs => ${LAST_SEEN_RESOLUTION_SECONDS})`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashOpaqueToken(token)), gt(sessions.expiresAt, sql`now()`), gt(sessions.lastSeenAt, idleCutoff)))
    .limit(1);
  if (!row) return null;
  if (row.stale) await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, row.sessionId));
  const { stale: _stale, ...session } = row;
  return session;
}

/** The sessions that still work: not past their absolute expiry, nor idle longer than the policy allows. */
export async function listSessions(db: Database, userId: string, policy: SessionPolicy) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        eq(sessions.pendingSecondFactor, false),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.lastSeenAt, sql`now() - make_interval(secs => ${policy.idleSeconds})`),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
}

export async function revokeSession(tx: Writer, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await tx
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Revokes every session of the user, or every one but `keepSessionId`. Returns how many. */
export async function revokeUserSessions(tx: Writer, userId: string, keepSessionId?: string): Promise<number> {
  const where = keepSessionId
    ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
    : eq(sessions.userId, userId);
  const deleted = await tx.delete(sessions).where(where).returning({ id: sessions.id });
  return deleted.length;
}

/**
 * "Sign out everywhere else": revokes the other sessions and bumps the credential epoch, so no
 * browser keeps a sign-in exemption (device-cookie.ts) it earned before. Returns both.
 */
export async function signOutEverywhereElse(db: Database, userId: string, keepSessionId: string) {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ credentialEpoch: sql`${users.credentialEpoch} + 1` })
      .where(eq(users.id, userId))
      .returning({ credentialEpoch: users.credentialEpoch });
    const revoked = await revokeUserSessions(tx, userId, keepSessionId);
    return { revoked, credentialEpoch: user?.credentialEpoch ?? 0 };
  });
}

/** Housekeeping: removes sessions past their absolute or idle expiry. */
export async function deleteExpiredSessions(db: Database, policy: SessionPolicy): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, sql`now()`), lt(sessions.lastSeenAt, sql`now() - make_interval(secs => ${policy.idleSeconds})`)))
    .returning({ id: sessions.id });
  return deleted.length;
}
