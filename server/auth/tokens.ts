import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { type AuthTokenPurpose, authTokens, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { generateOpaqueToken, hashOpaqueToken } from '@/server/security/opaque-token';

type Writer = Pick<Database, 'insert' | 'delete' | 'update'>;

export const TOKEN_LIFETIME_SECONDS: Record<AuthTokenPurpose, number> = {
  activation: 24 * 60 * 60,
  password_reset: 60 * 60,
};

const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/** Issues a token and returns its plaintext (sent once, by email). Older tokens of the same purpose stop working. */
export async function issueAuthToken(tx: Writer, userId: string, purpose: AuthTokenPurpose): Promise<string> {
  await tx.delete(authTokens).where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose)));
  const { plaintext, tokenHash } = generateOpaqueToken();
  await tx.insert(authTokens).values({
    userId,
    purpose,
    tokenHash,
    expiresAt: sql`now() + make_interval(secs => ${TOKEN_LIFETIME_SECONDS[purpose]})`,
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

/** Withdraws every unused token of the user (after a password is set, outstanding links stop working). */
export async function revokeAuthTokens(tx: Writer, userId: string): Promise<void> {
  await tx.delete(authTokens).where(and(eq(authTokens.userId, userId), isNull(authTokens.usedAt)));
}

/**
 * Consumes a token in one statement: of any number of concurrent uses, exactly one gets the
 * user id back. Unknown, used, expired and malformed tokens all give null.
 */
export async function consumeAuthToken(
  tx: Writer,
  plaintext: string,
  purpose: AuthTokenPurpose,
): Promise<string | null> {
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
    .returning({ userId: authTokens.userId });
  return row?.userId ?? null;
}
