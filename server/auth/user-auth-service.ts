import { eq, sql } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Database } from '@/db/client';
import { enqueueMail } from '@/server/mail/outbox';
import { activationMail, alreadyRegisteredMail, passwordChangedMail, passwordResetMail } from '@/server/mail/templates';
import type { AuditEntry, AuditLog } from '@/server/security/audit';
import { ipBucket } from '@/server/security/client-ip';
import { UnprocessableError } from '@/server/security/errors';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from '@/server/security/password';
import { auditSink } from '@/server/audit';
import { AccountNotActivatedError, InvalidCredentialsError, InvalidTokenError, WrongCurrentPasswordError } from './errors';
import { createSession, revokeUserSessions, type SessionPolicy } from './sessions';
import type { AuthThrottles } from './throttles';
import { consumeAuthToken, isLiveAuthToken, issueAuthToken, revokeAuthTokens } from './tokens';

export type RequestInfo = { ip: string; userAgent: string; method?: string; path?: string };
export type LoginResult = { userId: string; sessionId: string; token: string; pendingSecondFactor: boolean };

type Dependencies = {
  db: Database;
  throttles: AuthThrottles;
  audit: AuditLog;
  appOrigin: string;
  sessionPolicy: SessionPolicy;
  afterCommit?: () => void;
};

/**
 * Signup, activation, login, password reset and change. Every state change and its audit
 * event and mail are written in one transaction; mail is delivered after the commit.
 */
export class UserAuthService {
  constructor(private readonly deps: Dependencies) {}

  private link(path: string, token?: string): string {
    const url = new URL(path, this.deps.appOrigin);
    if (token) url.searchParams.set('token', token);
    return url.toString();
  }

  private entry(request: RequestInfo, event: AuditEntry['event'], userId: string | null, details?: Record<string, unknown>): AuditEntry {
    return { event, userId, ip: request.ip, userAgent: request.userAgent, method: request.method, path: request.path, details };
  }

  private assertPolicy(password: string, email?: string): void {
    const verdict = checkPasswordPolicy(password, { email });
    if (!verdict.ok) throw new UnprocessableError(verdict.message);
  }

  /** The same answer whether or not the address is registered; the mailbox owner learns which. */
  async signup(input: { email: string; password: string }, request: RequestInfo): Promise<void> {
    await this.deps.throttles.signupIp.reserveOrThrow(ipBucket(request.ip));
    this.assertPolicy(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const mayMail = (await this.deps.throttles.signupMail.reserve(input.email)).allowed;
    await this.deps.db.transaction(async (tx) => {
      const [created] = await tx.insert(users).values({ email: input.email, passwordHash }).onConflictDoNothing().returning({ id: users.id });
      if (created) {
        const token = await issueAuthToken(tx, created.id, 'activation');
        await enqueueMail(tx, activationMail(input.email, this.link('/activate', token)));
        await this.deps.audit.record(this.entry(request, 'signup', created.id), auditSink(tx));
        return;
      }
      const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
      if (mayMail) await enqueueMail(tx, alreadyRegisteredMail(input.email, this.link('/login'), this.link('/forgot-password')));
      await this.deps.audit.record(this.entry(request, 'signup_existing_email', existing?.id ?? null), auditSink(tx));
    });
    this.deps.afterCommit?.();
  }

  async activate(token: string, request: RequestInfo): Promise<void> {
    await this.deps.throttles.tokenUseIp.reserveOrThrow(ipBucket(request.ip));
    const activated = await this.deps.db.transaction(async (tx) => {
      const userId = await consumeAuthToken(tx, token, 'activation');
      if (!userId) return false;
      await tx.update(users).set({ activatedAt: sql`coalesce(${users.activatedAt}, now())` }).where(eq(users.id, userId));
      await this.deps.audit.record(this.entry(request, 'account_activated', userId), auditSink(tx));
      return true;
    });
    if (!activated) throw new InvalidTokenError('activation');
  }

  /** A fresh activation link for an account that is not active yet; the same answer otherwise. */
  async resendActivation(email: string, request: RequestInfo): Promise<void> {
    await this.deps.throttles.activationIp.reserveOrThrow(ipBucket(request.ip));
    await this.deps.throttles.activationEmail.reserveOrThrow(email);
    await this.deps.db.transaction(async (tx) => {
      const [user] = await tx.select({ id: users.id, activatedAt: users.activatedAt }).from(users).where(eq(users.email, email));
      if (!user || user.activatedAt) return;
      const token = await issueAuthToken(tx, user.id, 'activation');
      await enqueueMail(tx, activationMail(email, this.link('/activate', token)));
      await this.deps.audit.record(this.entry(request, 'activation_requested', user.id), auditSink(tx));
    });
    this.deps.afterCommit?.();
  }

  /**
   * Reserves an attempt on every budget *before* the password is verified, so parallel guesses
   * cannot exceed them. Unknown emails cost a dummy verification, so timing reveals nothing.
   */
  async login(
    input: { email: string; password: string; knownDevice: (userId: string) => string | null },
    request: RequestInfo,
  ): Promise<LoginResult> {
    const { throttles } = this.deps;
    const pairKey = `${input.email}|${ipBucket(request.ip)}`;
    await throttles.loginIp.reserveOrThrow(ipBucket(request.ip));
    await throttles.loginPair.reserveOrThrow(pairKey);
    const [user] = await this.deps.db.select().from(users).where(eq(users.email, input.email));
    // Keyed by email, not user id, so a blocked budget looks the same for unknown addresses.
    // A browser the owner signed in from before spends its own budget instead of the account's.
    const deviceId = user ? input.knownDevice(user.id) : null;
    const deviceKey = deviceId ? `${deviceId}|${input.email}` : null;
    if (deviceKey) await throttles.loginDevice.reserveOrThrow(deviceKey);
    else await throttles.loginAccount.reserveOrThrow(input.email);
    const valid = user ? await verifyPassword(user.passwordHash, input.password) : await verifyDummyPassword(input.password);
    if (!user || !valid) {
      await this.deps.audit.record(this.entry(request, 'login_failure', user?.id ?? null, { reason: user ? 'wrong_password' : 'unknown_email' }));
      throw new InvalidCredentialsError();
    }
    if (!user.activatedAt) {
      await this.deps.audit.record(this.entry(request, 'login_failure', user.id, { reason: 'not_activated' }));
      throw new AccountNotActivatedError();
    }
    await Promise.all([throttles.loginPair.reset(pairKey), throttles.loginAccount.reset(input.email), deviceKey ? throttles.loginDevice.reset(deviceKey) : undefined]);
    const rehashed = needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
    const pendingSecondFactor = Boolean(user.totpSecret);
    return this.deps.db.transaction(async (tx) => {
      // The password may have changed (reset, change) while we were verifying the old one: then
      // this login must not create a session, nor write back a rehash of the old password.
      const [current] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).for('update');
      if (current?.passwordHash !== user.passwordHash) throw new InvalidCredentialsError();
      if (rehashed) await tx.update(users).set({ passwordHash: rehashed, updatedAt: sql`now()` }).where(eq(users.id, user.id));
      const session = await createSession(tx, { userId: user.id, ip: request.ip, userAgent: request.userAgent, pendingSecondFactor }, this.deps.sessionPolicy);
      await this.deps.audit.record(this.entry(request, 'login_success', user.id, { pendingSecondFactor, rehashed: Boolean(rehashed) }), auditSink(tx));
      return { userId: user.id, ...session, pendingSecondFactor };
    });
  }

  /** Throttled per account and per IP; never locks the account; the same answer for unknown emails. */
  async requestPasswordReset(email: string, request: RequestInfo): Promise<void> {
    await this.deps.throttles.resetIp.reserveOrThrow(ipBucket(request.ip));
    await this.deps.throttles.resetEmail.reserveOrThrow(email);
    await this.deps.db.transaction(async (tx) => {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
      await this.deps.audit.record(this.entry(request, 'password_reset_requested', user?.id ?? null, { known: Boolean(user) }), auditSink(tx));
      if (!user) return;
      const token = await issueAuthToken(tx, user.id, 'password_reset');
      await enqueueMail(tx, passwordResetMail(email, this.link('/reset-password', token)));
    });
    this.deps.afterCommit?.();
  }

  /** Consumes the token atomically, changes the password and revokes every session. No automatic login. */
  async resetPassword(input: { token: string; password: string }, request: RequestInfo): Promise<void> {
    await this.deps.throttles.tokenUseIp.reserveOrThrow(ipBucket(request.ip));
    // A dead token is refused before the (deliberately slow) hash of the new password.
    if (!(await isLiveAuthToken(this.deps.db, input.token, 'password_reset'))) throw new InvalidTokenError('reset');
    this.assertPolicy(input.password);
    const passwordHash = await hashPassword(input.password);
    const done = await this.deps.db.transaction(async (tx) => {
      const userId = await consumeAuthToken(tx, input.token, 'password_reset');
      if (!userId) return false;
      const [user] = await tx
        .update(users)
        .set({ passwordHash, updatedAt: sql`now()`, activatedAt: sql`coalesce(${users.activatedAt}, now())` })
        .where(eq(users.id, userId))
        .returning({ email: users.email });
      const revoked = await revokeUserSessions(tx, userId);
      if (user) await enqueueMail(tx, passwordChangedMail(user.email, new Date()));
      await this.deps.audit.record(this.entry(request, 'password_reset_completed', userId, { sessionsRevoked: revoked }), auditSink(tx));
      return true;
    });
    if (!done) throw new InvalidTokenError('reset');
    this.deps.afterCommit?.();
  }

  /** Requires the current password (throttled); revokes every other session; notifies by mail. */
  async changePassword(
    input: { userId: string; sessionId: string; currentPassword: string; newPassword: string },
    request: RequestInfo,
  ): Promise<void> {
    await this.deps.throttles.passwordChange.reserveOrThrow(input.userId);
    const [user] = await this.deps.db.select().from(users).where(eq(users.id, input.userId));
    if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
      await this.deps.audit.record(this.entry(request, 'login_failure', input.userId, { reason: 'wrong_current_password' }));
      throw new WrongCurrentPasswordError();
    }
    this.assertPolicy(input.newPassword, user.email);
    const passwordHash = await hashPassword(input.newPassword);
    await this.deps.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, user.id));
      await revokeAuthTokens(tx, user.id, 'password_reset'); // a reset link mailed earlier must not undo this change
      const revoked = await revokeUserSessions(tx, user.id, input.sessionId);
      await enqueueMail(tx, passwordChangedMail(user.email, new Date()));
      await this.deps.audit.record(this.entry(request, 'password_changed', user.id, { sessionsRevoked: revoked }), auditSink(tx));
    });
    await this.deps.throttles.passwordChange.reset(input.userId);
    this.deps.afterCommit?.();
  }
}
