import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { passkeyChallenges, type PasskeyChallengePurpose } from '@/db/schema';
import type { Database } from '@/db/client';

/** How long a browser has to answer a challenge. */
export const CHALLENGE_SECONDS = 5 * 60;

type Writer = Pick<Database, 'insert' | 'delete'>;

/** Keeps a challenge for `binding` (the browser that asked) until it is used or expires. */
export async function storeChallenge(
  db: Writer,
  challenge: string,
  purpose: PasskeyChallengePurpose,
  binding: string,
): Promise<void> {
  const expiresAt = sql`now() + make_interval(secs => ${CHALLENGE_SECONDS})`;
  await db.insert(passkeyChallenges).values({ challenge, purpose, binding, expiresAt });
}

/**
 * Deletes the challenge in the statement that finds it, and only for the browser it was issued
 * to: of parallel uses of one challenge, exactly one gets `true`.
 */
export async function consumeChallenge(
  db: Writer,
  challenge: string,
  purpose: PasskeyChallengePurpose,
  binding: string,
): Promise<boolean> {
  const consumed = await db
    .delete(passkeyChallenges)
    .where(
      and(
        eq(passkeyChallenges.challenge, challenge),
        eq(passkeyChallenges.purpose, purpose),
        eq(passkeyChallenges.binding, binding),
        gt(passkeyChallenges.expiresAt, sql`now()`),
      ),
    )
    .returning({ challenge: passkeyChallenges.challenge });
  return consumed.length === 1;
}

/**
 * Options as the browser library takes them. No extension is requested, so none is sent: the
 * server and browser packages type extension inputs differently.
 */
export function withoutExtensions<Options extends { extensions?: unknown }>(options: Options): Omit<Options, 'extensions'> {
  const { extensions, ...rest } = options;
  void extensions;
  return rest;
}

/** Housekeeping: challenges past their expiry, never answered. */
export async function deleteExpiredChallenges(db: Database): Promise<number> {
  const rows = await db
    .delete(passkeyChallenges)
    .where(lt(passkeyChallenges.expiresAt, sql`now()`))
    .returning({ challenge: passkeyChallenges.challenge });
  return rows.length;
}
