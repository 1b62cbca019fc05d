import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import {
  identitySessionRevokedV1,
  identityUserSignedInV1,
  type IdentitySessionRevokedV1,
} from '@therapy-room/contracts';
import {
  AuditEmitter,
  OutboxService,
  PLATFORM_CONFIG,
  PLATFORM_LOGGER,
  ValidationException,
  requestContext,
} from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { normaliseEmail } from '../common/normalise';
import { PasswordHasher } from '../common/password-hasher';
import type { IdentityConfig } from '../identity.config';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import { SessionsRepository } from './sessions.repository';
import { hashToken } from './session-token';
import { LoginThrottleService, type ThrottleSubject } from './login-throttle.service';
import { LoginThrottledException } from './login-throttled.exception';
import { accountKey, throttleAddress } from './policies/login-throttle.policy';
import type { LoginDto } from './dto/login.dto';
import { TwoFactorService } from '../two-factor/two-factor.service';
import { TwoFactorErrorCode, TwoFactorException } from '../two-factor/two-factor.exception';
import type { SecondFactorChallenge, SecondFactorDto } from '../two-factor/dto/two-factor.dto';
import type { UserAccount } from '../users/user-account.entity';
import type { ChangePasswordDto } from './dto/change-password.dto';
import { StaffAccessService } from '../staff-access/staff-access.service';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { PrivacyStatementService } from '../privacy/privacy-statement.service';
import type { PrivacyGate } from '../privacy/dto/privacy-statement.dto';
import { NewSignInNoticeService } from '../sign-in-notices/new-sign-in-notice.service';

/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 30_000;
const INVALID_CREDENTIALS = 'The organisation, e-mail address or password is not correct.';
/** Said only to someone who proved they know the password, so it reveals nothing to a guesser. */
export const ACCOUNT_DEACTIVATED = 'This account has been deactivated. Contact your organisation.';

export type RevocationReason = IdentitySessionRevokedV1['reason'];
/** Audit entries about an organisation that does not exist carry the nil tenant id. */
export const NO_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export interface LoginResult {
  token: string;
  sessionId: string;
  expiresAt: string;
  user: { id: string; role: string; tenantId: string };
  /** The browser's device token (new-sign-in notices): the gateway keeps it in a cookie, never in a body. */
  deviceToken: string;
}

/**
 * Server-side sessions: the client holds a random 256-bit token, identity keeps only its SHA-256,
 * with an idle and an absolute timeout.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly twoFactor: TwoFactorService,
    private readonly privacy: PrivacyStatementService,
    private readonly staffAccess: StaffAccessService,
    private readonly signInNotices: NewSignInNoticeService,
  ) {}

  /**
   * Same error, and the same password-hashing cost, whether the organisation or account exists or not.
   * Throttled per (account, source address), per account across addresses and per address (see
   * login-throttle.policy.ts), except that a browser which has signed in to the account before has an
   * allowance of its own; a refused attempt never reaches the password check. Every attempt leaves an
   * audit entry.
   */
  async login(
    dto: LoginDto,
    sourceAddress: string,
    deviceToken?: string,
  ): Promise<LoginResult | SecondFactorChallenge> {
    const email = normaliseEmail(dto.email);
    const tenant = await this.tenants.findBySlug(dto.organisation);
    const user = tenant ? await this.users.findForLogin(tenant.id, email) : null;
    const subject: ThrottleSubject = {
      accountKey: accountKey(tenant ? { tenantId: tenant.id } : { slug: dto.organisation }, email),
      address: throttleAddress(sourceAddress),
      tenantId: tenant?.id ?? null,
      knownDevice: await this.signInNotices.knownDevice(user?.id ?? null, deviceToken),
    };
    const scope = { tenantId: tenant?.id ?? NO_TENANT_ID, subjectId: user?.id ?? null };
    const refused = {
      action: 'auth.login',
      actorId: null,
      actorRole: null,
      resource: 'session',
      resourceId: null,
    } as const;

    // Admission (and the charge of a failure) commits before the password is checked, so concurrent
    // guesses cannot exceed the limit and no row lock or connection is held across argon2.
    const admission = await this.dataSource.transaction(async (manager) => {
      const result = await this.throttle.admit(manager, subject, this.clock.now());
      if (!result.admitted) await this.audit.record(manager, { ...refused, outcome: result.outcome }, scope);
      return result;
    });
    if (!admission.admitted) {
      this.logger.info({ outcome: admission.outcome, tenantId: tenant?.id }, 'login');
      throw new LoginThrottledException(admission.retryAfterSeconds);
    }

    const passwordOk = await this.hasher.verify(user?.passwordHash, dto.password);
    if (tenant && user && passwordOk && user.status === 'deactivated') {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, { ...refused, outcome: 'failure' }, scope),
      );
      this.logger.info({ outcome: 'deactivated', tenantId: tenant.id }, 'login');
      throw new IdentityException(IdentityErrorCode.AccountDeactivated, ACCOUNT_DEACTIVATED);
    }
    if (!tenant || !user || !passwordOk || user.status !== 'active') {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, { ...refused, outcome: 'failure' }, scope),
      );
      this.logger.info({ outcome: 'failure', tenantId: tenant?.id }, 'login');
      throw new IdentityException(IdentityErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user.id, await this.hasher.hash(dto.password));
    }
    // A second factor is due: no session yet, but a short-lived challenge for this user and address.
    // The admission's charge stays until the second factor succeeds, so knowing the password buys
    // no extra guesses at the code (wrong codes are charged to the same pair).
    const secondFactor = await this.twoFactor.requirement(user);
    if (secondFactor !== 'none') {
      const issued = await this.dataSource.transaction(async (manager) => {
        const challenge = await this.twoFactor.issueChallenge(
          manager,
          user,
          secondFactor,
          sourceAddress,
          this.clock.now(),
        );
        await this.audit.record(
          manager,
          {
            action: 'auth.login',
            outcome: 'success',
            actorId: user.id,
            actorRole: user.role,
            resource: 'login_challenge',
            resourceId: challenge.id,
          },
          scope,
        );
        return challenge;
      });
      this.logger.info({ outcome: 'second_factor', tenantId: tenant.id, userId: user.id }, 'login');
      return issued.answer;
    }
    return this.startSession(user, subject, 'auth.login', { deviceToken });
  }

  /**
   * The second login step: a TOTP or recovery code (or, for an enrolment challenge, the first code of
   * the new authenticator) against a live challenge from this address. Throttled and charged like a
   * password guess for the same (account, address) pair; every attempt is audited.
   */
  async completeSecondFactor(
    dto: SecondFactorDto,
    sourceAddress: string,
    deviceToken?: string,
  ): Promise<LoginResult & { recoveryCodes?: string[] }> {
    const { challenge, user } = await this.twoFactor.findChallenge(dto.challenge, sourceAddress);
    const subject: ThrottleSubject = {
      accountKey: accountKey({ tenantId: user.tenantId }, user.email),
      address: throttleAddress(sourceAddress),
      tenantId: user.tenantId,
      knownDevice: await this.signInNotices.knownDevice(user.id, deviceToken),
    };
    const scope = { tenantId: user.tenantId, subjectId: user.id };
    const refused = {
      action: 'auth.second_factor',
      actorId: null,
      actorRole: null,
      resource: 'login_challenge',
      resourceId: challenge.id,
    } as const;
    const admission = await this.dataSource.transaction(async (manager) => {
      const result = await this.throttle.admit(manager, subject, this.clock.now());
      if (!result.admitted) await this.audit.record(manager, { ...refused, outcome: result.outcome }, scope);
      return result;
    });
    if (!admission.admitted) throw new LoginThrottledException(admission.retryAfterSeconds);

    let recoveryCodes: string[] | undefined;
    let ok: boolean;
    if (challenge.purpose === 'enrol') {
      recoveryCodes = (await this.twoFactor.confirmEnrolment(user, dto.code)) ?? undefined;
      ok = recoveryCodes !== undefined;
    } else {
      ok = await this.twoFactor.verifyCode(user.id, dto.code);
    }
    if (!ok) {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, { ...refused, outcome: 'failure' }, scope),
      );
      this.logger.info({ outcome: 'failure', tenantId: user.tenantId }, 'second factor');
      throw new TwoFactorException(
        TwoFactorErrorCode.InvalidCode,
        'The code is not correct or has already been used.',
      );
    }
    const session = await this.startSession(user, subject, 'auth.second_factor', {
      deviceToken,
      inTransaction: async (manager, now) => {
        if (!(await this.twoFactor.consumeChallenge(manager, challenge.id, now))) {
          throw new TwoFactorException(
            TwoFactorErrorCode.ChallengeInvalid,
            'The sign-in attempt has expired or is not valid. Log in again.',
          );
        }
      },
    });
    return recoveryCodes ? { ...session, recoveryCodes } : session;
  }

  /**
   * A new session after a complete login (password, second factor or single sign-on): the throttle
   * pair starts afresh, the browser's device is recorded (a new one queues a "new sign-in" notice, in
   * this transaction); audited as `action`.
   */
  async startSession(
    user: Pick<UserAccount, 'id' | 'role' | 'tenantId'>,
    subject: ThrottleSubject,
    action: 'auth.login' | 'auth.second_factor' | 'auth.sso',
    options: {
      deviceToken?: string;
      inTransaction?: (manager: EntityManager, now: Date) => Promise<void>;
    } = {},
  ): Promise<LoginResult> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const sessionId = randomUUID();
    const expiresAt = new Date(now.getTime() + this.config.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000);
    const deviceToken = await this.dataSource.transaction(async (manager) => {
      await options.inTransaction?.(manager, now);
      await this.sessions.insert(
        {
          id: sessionId,
          tokenHash: hashToken(token),
          userId: user.id,
          tenantId: user.tenantId,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
          revokedAt: null,
        },
        manager,
      );
      await this.throttle.succeeded(manager, subject, now);
      await this.users.markSignedIn(user.id, now, manager);
      await this.audit.record(
        manager,
        {
          action,
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          resource: 'session',
          resourceId: sessionId,
        },
        { tenantId: user.tenantId, subjectId: user.id },
      );
      await this.outbox.add(
        manager,
        identityUserSignedInV1,
        { userId: user.id, role: user.role, method: action === 'auth.sso' ? 'sso' : 'password' },
        { tenantId: user.tenantId, subjectId: user.id },
      );
      return this.signInNotices.recordSignIn(
        manager,
        user,
        options.deviceToken,
        action === 'auth.sso' ? 'sso' : 'password',
        now,
      );
    });
    this.logger.info({ outcome: 'success', tenantId: user.tenantId, userId: user.id }, action);
    return {
      token,
      sessionId,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, role: user.role, tenantId: user.tenantId },
      deviceToken,
    };
  }

  /**
   * The actor behind a session token, if the session is live; refreshes the idle timer. With it, the
   * privacy gate: whether the user still has to acknowledge the organisation's current statement.
   */
  async resolve(token: string): Promise<Actor & PrivacyGate> {
    const found = await this.sessions.findLive(hashToken(token));
    const now = this.clock.now();
    const invalid = () => new IdentityException(IdentityErrorCode.SessionInvalid, 'Authentication required.');
    if (!found || found.user.status !== 'active') throw invalid();
    const { session, user } = found;
    const idleDeadline = session.lastSeenAt.getTime() + this.config.SESSION_IDLE_TIMEOUT_SECONDS * 1000;
    if (now >= session.expiresAt || now.getTime() >= idleDeadline) {
      await this.sessions.revoke(session.id, now);
      throw invalid();
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
      await this.sessions.touch(session.id, now);
    // Platform staff act in another organisation only while their grant is approved and unexpired,
    // checked here on every resolve. A session made for a grant ends with it (no fallback to the
    // staff member's own tenant); gateways drop it from their caches on identity.staff-grant.ended.v1.
    const acting = await this.staffAccess.actingTenant(session, user, now);
    if (session.grantId && !acting) {
      await this.sessions.revoke(session.id, now);
      throw invalid();
    }
    return {
      userId: user.id,
      tenantId: acting?.tenantId ?? session.tenantId,
      roles: [user.role],
      region: this.config.REGION,
      sessionId: session.id,
      ...(acting ? { grantId: acting.grantId } : {}),
      // A session is opened by proving the password (and second factor): its age is the authentication's.
      authenticatedAt: session.createdAt.toISOString(),
      ...(await this.privacy.gate(session.tenantId, user.id)),
    };
  }

  /**
   * Revokes every live session of a user (except one, if given) and publishes
   * `identity.session.revoked.v1` for each, in the caller's transaction: the one way to end a user's
   * sessions at once (logout everywhere, password change or reset, deactivation, erasure).
   */
  async revokeAllForUser(
    userId: string,
    reason: RevocationReason,
    manager: EntityManager,
    options: { except?: string } = {},
  ): Promise<string[]> {
    const revoked = await this.sessions.revokeAllForUser(userId, this.clock.now(), manager, options.except);
    for (const session of revoked) {
      await this.outbox.add(
        manager,
        identitySessionRevokedV1,
        { sessionId: session.id, userId, reason },
        { tenantId: session.tenantId, subjectId: userId },
      );
    }
    return revoked.map((s) => s.id);
  }

  /** Ends every session of the actor, on every device. */
  async logoutEverywhere(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.revokeAllForUser(actor.userId, 'logout_everywhere', manager);
      await this.recordRevokeAll(manager, actor);
    });
  }

  /**
   * Changes the actor's password after checking the current one and the organisation's policy; every
   * other session ends and the current one gets a new id and token (its absolute deadline is kept).
   */
  async changePassword(actor: Actor, dto: ChangePasswordDto): Promise<{ token: string; expiresAt: string }> {
    const invalid = () => new IdentityException(IdentityErrorCode.SessionInvalid, 'Authentication required.');
    const [user, tenant] = await Promise.all([
      this.users.findWithPasswordHash(actor.tenantId, actor.userId),
      this.tenants.findById(actor.tenantId),
    ]);
    if (!user || !tenant || user.status !== 'active') throw invalid();
    // Guesses at the current password count with login guesses for the same (account, address):
    // a stolen session does not open a way around the login throttle.
    const subject: ThrottleSubject = {
      accountKey: accountKey({ tenantId: tenant.id }, user.email),
      address: throttleAddress(requestContext.get()?.sourceAddress ?? '::'),
      tenantId: tenant.id,
    };
    const admission = await this.dataSource.transaction((manager) =>
      this.throttle.admit(manager, subject, this.clock.now()),
    );
    if (!admission.admitted) throw new LoginThrottledException(admission.retryAfterSeconds);
    if (!(await this.hasher.verify(user.passwordHash, dto.currentPassword))) {
      throw new ValidationException(
        [{ path: 'currentPassword', message: 'is not correct' }],
        'The current password is not correct.',
      );
    }
    assertPasswordAllowed(dto.newPassword, {
      tenantPolicy: tenant.passwordPolicy,
      email: user.email,
      path: 'newPassword',
    });
    const passwordHash = await this.hasher.hash(dto.newPassword);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = await this.dataSource.transaction(async (manager) => {
      const current = await this.sessions.findLiveById(actor.sessionId, manager);
      if (!current || current.userId !== user.id) throw invalid();
      await this.users.updatePasswordHash(user.id, passwordHash, manager);
      await this.throttle.succeeded(manager, subject, this.clock.now());
      await this.revokeAllForUser(user.id, 'password_changed', manager);
      const now = this.clock.now();
      await this.sessions.insert(
        {
          id: randomUUID(),
          tokenHash: hashToken(token),
          userId: user.id,
          tenantId: current.tenantId,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: current.expiresAt,
          revokedAt: null,
        },
        manager,
      );
      await this.recordRevokeAll(manager, actor);
      return current.expiresAt;
    });
    this.logger.info({ tenantId: actor.tenantId, userId: actor.userId }, 'password changed');
    return { token, expiresAt: expiresAt.toISOString() };
  }

  private recordRevokeAll(manager: EntityManager, actor: Actor): Promise<void> {
    return this.audit.record(
      manager,
      {
        action: 'session.revoke_all',
        outcome: 'success',
        actorId: actor.userId,
        actorRole: actor.roles[0],
        resource: 'user.sessions',
        resourceId: actor.userId,
      },
      { tenantId: actor.tenantId, subjectId: actor.userId },
    );
  }

  /** Ends the session and tells the gateways, which may hold it in their caches. */
  async logout(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.sessions.revoke(actor.sessionId, this.clock.now(), manager))) return;
      await this.outbox.add(
        manager,
        identitySessionRevokedV1,
        { sessionId: actor.sessionId, userId: actor.userId, reason: 'logout' },
        { tenantId: actor.tenantId, subjectId: actor.userId },
      );
    });
  }
}
