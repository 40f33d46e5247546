import { and, eq, sql } from 'drizzle-orm';
import { type AuthTokenPurpose, sessions, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { enqueueMail } from '@/server/mail/outbox';
import { activationMail, alreadyRegisteredMail, mailLink, passwordChangedMail, passwordResetMail } from '@/server/mail/templates';
import type { AuditLog } from '@/server/security/audit';
import { ipBucket } from '@/server/security/client-ip';
import { UnprocessableError } from '@/server/security/errors';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from '@/server/security/password';
import { auditSink } from '@/server/core/audit-log';
import { auditEntry, type RequestInfo } from '@/server/core/request-info';
import type { AfterResponse } from './background';
import { InvalidCredentialsError, InvalidTokenError, SessionEndedError, WrongCurrentPasswordError } from './auth-failures';
import { verifyCurrentPassword } from './current-password';
import { createSession, revokeUserSessions, type SessionPolicy } from './sessions';
import type { AuthThrottles } from './login-throttles';
import { consumeAuthToken, issueAuthToken, liveAuthTokenOwner, revokeAuthTokens } from './tokens';

export type LoginResult = {
  userId: string;
  sessionId: string;
  token: string;
  pendingSecondFactor: boolean;
  credentialEpoch: number;
};
export type PasswordChoice = { token: string; password: string };
const nextEpoch = sql`${users.credentialEpoch} + 1`;
/** The device id when the browser signed in to this account since its credentials last changed. */
export type KnownDeviceLookup = (account: { id: string; credentialEpoch: number }) => string | null;
/** Told once per lockout, by the failed attempt that started it: the owner can be mailed a way back in. */
export type LockoutListener = (
  account: { id: string; email: string },
  lockSeconds: number,
  request: RequestInfo,
) => void;

/** Whether this browser was trusted by the account at its code step, under its current credentials. */
export type TrustedBrowserLookup = (account: { id: string; credentialEpoch: number }) => Promise<boolean>;

/** `knownDevice` is null when the browser sent no device cookie: then no account can exempt it. */
export type LoginInput = {
  email: string;
  password: string;
  knownDevice: KnownDeviceLookup | null;
  trustedBrowser?: TrustedBrowserLookup;
};

type Dependencies = {
  db: Database;
  throttles: AuthThrottles;
  audit: AuditLog;
  appOrigin: string;
  sessionPolicy: SessionPolicy;
  afterResponse: AfterResponse;
  afterCommit?: () => void;
  onAccountLocked?: LockoutListener;
};

/**
 * Signup, activation, login, password reset and change. Every state change and its audit
 * event and mail are written in one transaction; mail is delivered after the commit.
 *
 * Signup asks for an address only; the mailed link leads to "choose your password", which sets
 * the first password and activates the account. So nobody but the inbox owner ever chooses a
 * password for an address, and nothing tells a stranger whether an address is registered.
 */
export class UserAuthService {
  constructor(private readonly deps: Dependencies) {}

  private link(path: string, token?: string): string {
    return mailLink(this.deps.appOrigin, path, token);
  }

  private assertPolicy(password: string, email: string): void {
    const verdict = checkPasswordPolicy(password, { email });
    if (!verdict.ok) throw new UnprocessableError(verdict.message);
  }

  /**
   * The same answer, after the same work, whether or not the address is registered: only the
   * budgets (keyed by IP and address) are spent before answering; the account is looked at after.
   */
  async signup(email: string, request: RequestInfo): Promise<void> {
    await this.deps.throttles.signupIp.reserveOrThrow(ipBucket(request.ip));
    const mayMail = (await this.deps.throttles.signupMail.reserve(email)).allowed;
    this.deps.afterResponse('signup', () => this.mailSignupLink(email, mayMail, request));
  }

  /** An activation link for a new or unfinished signup; "you already have an account" otherwise. */
  private async mailSignupLink(email: string, mayMail: boolean, request: RequestInfo): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: users.id, activatedAt: users.activatedAt })
        .from(users)
        .where(eq(users.email, email));
      if (existing?.activatedAt) {
        const mail = alreadyRegisteredMail(email, this.link('/login'), this.link('/forgot-password'));
        if (mayMail) await enqueueMail(tx, mail);
        await this.deps.audit.record(auditEntry(request, 'signup_existing_email', existing.id), auditSink(tx));
        return;
      }
      const created = existing ? undefined : await this.createPendingUser(tx, email);
      const userId = existing?.id ?? created;
      if (!userId) return; // a concurrent signup for the same address created it, and mails the link
      await this.deps.audit.record(auditEntry(request, 'signup', userId), auditSink(tx));
      if (!mayMail) return;
      const token = await issueAuthToken(tx, userId, 'activation');
      await enqueueMail(tx, activationMail(email, this.link('/activate', token)));
    });
    this.deps.afterCommit?.();
  }

  /** A user row without a password: nothing can sign in to it until the inbox owner chooses one. */
  private async createPendingUser(tx: Pick<Database, 'insert'>, email: string): Promise<string | undefined> {
    const [created] = await tx.insert(users).values({ email }).onConflictDoNothing().returning({ id: users.id });
    return created?.id;
  }

  /** The inbox owner chooses the first password; the account is active from then on. */
  async activate(input: PasswordChoice, request: RequestInfo): Promise<void> {
    await this.setPasswordWithToken('activation', input, request);
  }

  /**
   * Reserves an attempt on every budget *before* the password is verified, so parallel guesses
   * cannot exceed them. Unknown and unfinished accounts cost a dummy verification and get the same
   * answer as a wrong password, so neither the answer nor its timing reveals them.
   */
  async login(
    input: LoginInput,
    request: RequestInfo,
  ): Promise<LoginResult> {
    const { throttles } = this.deps;
    const ipKey = ipBucket(request.ip);
    const pairKey = `${input.email}|${ipKey}`;
    // The budgets that need no account row are reserved before it is looked up, so a refusal (a
    // blocked key is answered in-process) costs no query: the pair's always, and without a device
    // cookie, which nothing can exempt, the IP's and the account's too.
    await throttles.loginPair.reserveOrThrow(pairKey);
    const strangerBudget = input.knownDevice ? undefined : await this.reserveAsStranger(input.email, ipKey);
    const [user] = await this.deps.db.select().from(users).where(eq(users.email, input.email));
    const passwordHash = user?.activatedAt ? user.passwordHash : null;
    // A browser the owner signed in from before spends its own budget instead of the account's and
    // the IP's, so a shared address (NAT, CGNAT) cannot lock out the people behind it.
    const deviceId = user && passwordHash ? (input.knownDevice?.(user) ?? null) : null;
    const deviceKey = deviceId ? `${deviceId}|${input.email}` : null;
    if (deviceKey) await throttles.loginDevice.reserveOrThrow(deviceKey);
    const accountBudget = deviceKey ? null : (strangerBudget ?? (await this.reserveAsStranger(input.email, ipKey)));
    const valid = passwordHash
      ? await verifyPassword(passwordHash, input.password)
      : await verifyDummyPassword(input.password);
    if (!user || !passwordHash || !valid) {
      const reason = !user ? 'unknown_email' : !passwordHash ? 'not_activated' : 'wrong_password';
      await this.deps.audit.record(auditEntry(request, 'login_failure', user?.id ?? null, { reason }));
      if (user && passwordHash && accountBudget?.blocked) {
        this.deps.onAccountLocked?.({ id: user.id, email: user.email }, accountBudget.retryAfterSeconds, request);
      }
      throw new InvalidCredentialsError();
    }
    await Promise.all([
      throttles.loginPair.reset(pairKey),
      throttles.loginAccount.reset(input.email),
      deviceKey ? throttles.loginDevice.reset(deviceKey) : undefined,
    ]);
    const rehashed = needsRehash(passwordHash) ? await hashPassword(input.password) : undefined;
    // A browser the owner trusted at the code step skips it, but has not re-proved the second factor.
    const trusted = user.totpSecret ? await input.trustedBrowser?.(user) : false;
    const pendingSecondFactor = Boolean(user.totpSecret) && !trusted;
    const reauthenticated = !user.totpSecret;
    return this.deps.db.transaction(async (tx) => {
      // The password may have changed (reset, change) while we were verifying the old one: then
      // this login must not create a session, nor write back a rehash of the old password.
      const [current] = await tx
        .select({ passwordHash: users.passwordHash, credentialEpoch: users.credentialEpoch })
        .from(users)
        .where(eq(users.id, user.id))
        .for('update');
      if (!current || current.passwordHash !== passwordHash) throw new InvalidCredentialsError();
      if (rehashed) await tx.update(users).set({ passwordHash: rehashed, updatedAt: sql`now()` }).where(eq(users.id, user.id));
      const owner = { userId: user.id, ip: request.ip, userAgent: request.userAgent };
      const sessionInput = { ...owner, pendingSecondFactor, reauthenticated };
      const session = await createSession(tx, sessionInput, this.deps.sessionPolicy);
      const details = { pendingSecondFactor, trustedBrowser: Boolean(trusted), rehashed: Boolean(rehashed) };
      await this.deps.audit.record(auditEntry(request, 'login_success', user.id, details), auditSink(tx));
      return { userId: user.id, ...session, pendingSecondFactor, credentialEpoch: current.credentialEpoch };
    });
  }

  /** The budgets a browser spends when no account exempts it: its IP's and the account's. */
  private async reserveAsStranger(email: string, ipKey: string) {
    await this.deps.throttles.loginIp.reserveOrThrow(ipKey);
    // Keyed by email, not user id, so a blocked budget looks the same for unknown addresses.
    return this.deps.throttles.loginAccount.reserveOrThrow(email);
  }

  /** Throttled per address and per IP; never locks the account; answered before the account is looked at. */
  async requestPasswordReset(email: string, request: RequestInfo): Promise<void> {
    await this.deps.throttles.resetIp.reserveOrThrow(ipBucket(request.ip));
    await this.deps.throttles.resetEmail.reserveOrThrow(email);
    this.deps.afterResponse('password-reset-request', () => this.mailResetLink(email, request));
  }

  private async mailResetLink(email: string, request: RequestInfo): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
      await this.deps.audit.record(auditEntry(request, 'password_reset_requested', user?.id ?? null, { known: Boolean(user) }), auditSink(tx));
      if (!user) return;
      const token = await issueAuthToken(tx, user.id, 'password_reset');
      await enqueueMail(tx, passwordResetMail(email, this.link('/reset-password', token)));
    });
    this.deps.afterCommit?.();
  }

  /** Consumes the token atomically, changes the password and revokes every session. No automatic login. */
  async resetPassword(input: PasswordChoice, request: RequestInfo): Promise<void> {
    await this.setPasswordWithToken('password_reset', input, request);
  }

  private async setPasswordWithToken(purpose: AuthTokenPurpose, input: PasswordChoice, request: RequestInfo) {
    const refusal = new InvalidTokenError(purpose === 'activation' ? 'activation' : 'reset');
    await this.deps.throttles.tokenUseIp.reserveOrThrow(ipBucket(request.ip));
    // A dead token is refused before the (deliberately slow) hash of the new password.
    const owner = await liveAuthTokenOwner(this.deps.db, input.token, purpose);
    if (!owner) throw refusal;
    this.assertPolicy(input.password, owner.email);
    const passwordHash = await hashPassword(input.password);
    const done = await this.deps.db.transaction(async (tx) => {
      const userId = (await consumeAuthToken(tx, input.token, purpose))?.userId;
      if (!userId) return false;
      const activatedAt = sql`coalesce(${users.activatedAt}, now())`;
      const chosen = { passwordHash, credentialEpoch: nextEpoch, updatedAt: sql`now()`, activatedAt };
      await tx.update(users).set(chosen).where(eq(users.id, userId));
      await revokeAuthTokens(tx, userId);
      const revoked = await revokeUserSessions(tx, userId);
      if (purpose === 'password_reset') await enqueueMail(tx, passwordChangedMail(owner.email, new Date()));
      const event = purpose === 'activation' ? 'account_activated' : 'password_reset_completed';
      await this.deps.audit.record(auditEntry(request, event, userId, { sessionsRevoked: revoked }), auditSink(tx));
      return true;
    });
    if (!done) throw refusal;
    this.deps.afterCommit?.();
  }

  /**
   * Requires the current password, on the account's sign-in budget (progressive lockout). The
   * write is compare-and-set on the verified hash, by a session that still exists, so a change
   * that verified before a reset committed can never write after it. Returns the new credential epoch.
   */
  async changePassword(
    input: { userId: string; sessionId: string; currentPassword: string; newPassword: string },
    request: RequestInfo,
  ): Promise<number> {
    const user = await verifyCurrentPassword(this.deps, input.userId, input.currentPassword, request);
    this.assertPolicy(input.newPassword, user.email);
    const verified = user.passwordHash;
    const passwordHash = await hashPassword(input.newPassword);
    const epoch = await this.deps.db.transaction(async (tx) => {
      const [changed] = await tx
        .update(users)
        .set({ passwordHash, updatedAt: sql`now()`, credentialEpoch: nextEpoch })
        .where(and(eq(users.id, input.userId), eq(users.passwordHash, verified)))
        .returning({ credentialEpoch: users.credentialEpoch });
      if (!changed) throw new WrongCurrentPasswordError();
      const [session] = await tx
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.id, input.sessionId), eq(sessions.userId, input.userId)))
        .for('update');
      if (!session) throw new SessionEndedError();
      await revokeAuthTokens(tx, input.userId); // a reset link mailed earlier must not undo this change
      const revoked = await revokeUserSessions(tx, input.userId, input.sessionId);
      await enqueueMail(tx, passwordChangedMail(user.email, new Date()));
      const details = { sessionsRevoked: revoked };
      await this.deps.audit.record(auditEntry(request, 'password_changed', input.userId, details), auditSink(tx));
      return changed.credentialEpoch;
    });
    this.deps.afterCommit?.();
    return epoch;
  }
}
