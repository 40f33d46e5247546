import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { type AuthTokenPurpose, authTokens, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { generateOpaqueToken, hashOpaqueToken } from '@/server/security/opaque-token';

type Writer = Pick<Database, 'insert' | 'delete' | 'update'>;

export const TOKEN_LIFETIME_SECONDS: Record<AuthTokenPurpose, number> = {
  activation: 24 * 60 * 60,
  password_reset: 60 * 60,
  email_change: 60 * 60,
  email_change_undo: 7 * 24 * 60 * 60,
  unlock: 24 * 60 * 60,
};

/** `email`: the address the token is about; `lifetimeSeconds`: shorter than the purpose's own. */
export type TokenOptions = { email?: string; lifetimeSeconds?: number };

const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/** Issues a token and returns its plaintext (sent once, by email). Older tokens of the same purpose stop working. */
export async function issueAuthToken(
  tx: Writer,
  userId: string,
  purpose: AuthTokenPurpose,
  options: TokenOptions = {},
): Promise<string> {
  // Undo links stay valid side by side: a second change must not withdraw the first address's way back.
  if (purpose !== 'email_change_undo') {
    await tx.delete(authTokens).where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose)));
  }
  const { plaintext, tokenHash } = generateOpaqueToken();
  const lifetime = Math.min(options.lifetimeSeconds ?? Infinity, TOKEN_LIFETIME_SECONDS[purpose]);
  await tx.insert(authTokens).values({
    userId,
    purpose,
    tokenHash,
    email: options.email ?? null,
    expiresAt: sql`now() + make_interval(secs => ${lifetime})`,
  });
  return plaintext;
}

type Reader = Pick<Database, 'select'>;
type TokenOwner = { userId: string; email: string };

/**
 * A cheap look before expensive work (hashing a new password): whose token is this, if it is live
 * right now? Not a substitute for consumeAuthToken, which alone decides, atomically, who uses it.
 */
export async function liveAuthTokenOwner(db: Reader, plaintext: string, purpose: AuthTokenPurpose) {
  if (!WELL_FORMED.test(plaintext)) return null;
  const [owner] = await db
    .select({ userId: users.id, email: users.email })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .where(and(eq(authTokens.tokenHash, hashOpaqueToken(plaintext)), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt), gt(authTokens.expiresAt, sql`now()`)));
  return (owner as TokenOwner | undefined) ?? null;
}

/**
 * Withdraws every unused token of the user (after a password is set, outstanding links stop working),
 * except the undo links of email changes: whoever changed the address must not take its owner's way back.
 */
export async function revokeAuthTokens(tx: Writer, userId: string): Promise<void> {
  const unused = and(eq(authTokens.userId, userId), isNull(authTokens.usedAt));
  await tx.delete(authTokens).where(and(unused, ne(authTokens.purpose, 'email_change_undo')));
}

export type ConsumedToken = { userId: string; email: string | null; createdAt: Date };

/**
 * Consumes a token in one statement: of any number of concurrent uses, exactly one gets the
 * user id (and the address the token is about) back. Unknown, used, expired and malformed tokens give null.
 */
export async function consumeAuthToken(
  tx: Writer,
  plaintext: string,
  purpose: AuthTokenPurpose,
): Promise<ConsumedToken | null> {
  if (!WELL_FORMED.test(plaintext)) return null;
  const [row] = await tx
    .update(authTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(authTokens.tokenHash, hashOpaqueToken(plaintext)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ userId: authTokens.userId, email: authTokens.email, createdAt: authTokens.createdAt });
  return row ?? null;
}
