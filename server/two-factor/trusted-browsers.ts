// "Trust this browser for 30 days": a random token in a cookie of its own, only its SHA-256 stored.
// It skips the code step for the one user who trusted it, while that user's credential epoch is the
// one it was issued under: a password change, a reset or "sign out everywhere" ends every trust.
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { trustedBrowsers, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { auditSink, getAuditLog } from '@/server/core/audit-log';
import { readCookie } from '@/server/auth/cookie-read';
import { hostOnlyCookieName, hostOnlyCookieOptions } from '@/server/auth/device-cookie';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import { setCookie } from '@/server/security/cookies';
import { generateOpaqueToken, hashOpaqueToken } from '@/server/security/opaque-token';
import type { CodeOwner, Tx } from './code-check';

const TRUST_SECONDS = 30 * 24 * 60 * 60;
const MAX_TOKEN_LENGTH = 64;

const cookieName = () => hostOnlyCookieName('bastion_trusted');

function tokenHashFrom(headers: Headers): string | null {
  const token = readCookie(headers, cookieName());
  return token && token.length <= MAX_TOKEN_LENGTH ? hashOpaqueToken(token) : null;
}

const live = (userId: string) =>
  and(
    eq(trustedBrowsers.userId, userId),
    eq(trustedBrowsers.credentialEpoch, users.credentialEpoch),
    gt(trustedBrowsers.expiresAt, sql`now()`),
  );

/** Stores a new trust for this browser and sets its cookie; the plaintext token lives only there. */
export async function trustBrowser(tx: Tx, owner: CodeOwner, request: RequestInfo, resHeaders: Headers) {
  const { plaintext, tokenHash } = generateOpaqueToken();
  const [row] = await tx
    .insert(trustedBrowsers)
    .values({
      userId: owner.id,
      tokenHash,
      credentialEpoch: owner.credentialEpoch,
      ip: request.ip,
      userAgent: request.userAgent.slice(0, 512),
      expiresAt: sql`now() + make_interval(secs => ${TRUST_SECONDS})`,
    })
    .returning({ id: trustedBrowsers.id });
  await getAuditLog().record(auditEntry(request, 'trusted_browser_added', owner.id, { id: row?.id }), auditSink(tx));
  setCookie(resHeaders, cookieName(), plaintext, { ...hostOnlyCookieOptions(), maxAge: TRUST_SECONDS, sameSite: 'lax' });
}

/** Whether this browser's cookie names a live trust of this account. */
export async function isTrustedBrowser(
  db: Database,
  headers: Headers,
  account: { id: string; credentialEpoch: number },
) {
  const tokenHash = tokenHashFrom(headers);
  if (!tokenHash) return false;
  const [row] = await db
    .select({ id: trustedBrowsers.id })
    .from(trustedBrowsers)
    .innerJoin(users, eq(users.id, trustedBrowsers.userId))
    .where(
      and(
        eq(trustedBrowsers.tokenHash, tokenHash),
        live(account.id),
        eq(users.credentialEpoch, account.credentialEpoch),
      ),
    );
  return Boolean(row);
}

export async function listTrustedBrowsers(db: Database, userId: string, headers: Headers) {
  const current = tokenHashFrom(headers);
  const rows = await db
    .select({
      id: trustedBrowsers.id,
      tokenHash: trustedBrowsers.tokenHash,
      ip: trustedBrowsers.ip,
      userAgent: trustedBrowsers.userAgent,
      createdAt: trustedBrowsers.createdAt,
      expiresAt: trustedBrowsers.expiresAt,
    })
    .from(trustedBrowsers)
    .innerJoin(users, eq(users.id, trustedBrowsers.userId))
    .where(live(userId))
    .orderBy(desc(trustedBrowsers.createdAt));
  return rows.map(({ tokenHash, ...row }) => ({
    ...row,
    current: tokenHash === current,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  }));
}

/** Another user's id answers false, exactly like an unknown one. */
export async function revokeTrustedBrowser(db: Database, userId: string, id: string, request: RequestInfo) {
  const deleted = await db
    .delete(trustedBrowsers)
    .where(and(eq(trustedBrowsers.id, id), eq(trustedBrowsers.userId, userId)))
    .returning({ id: trustedBrowsers.id });
  if (deleted.length === 0) return false;
  await getAuditLog().record(auditEntry(request, 'trusted_browser_revoked', userId, { id }));
  return true;
}

export async function revokeAllTrustedBrowsers(tx: Tx, userId: string): Promise<number> {
  const deleted = await tx
    .delete(trustedBrowsers)
    .where(eq(trustedBrowsers.userId, userId))
    .returning({ id: trustedBrowsers.id });
  return deleted.length;
}
