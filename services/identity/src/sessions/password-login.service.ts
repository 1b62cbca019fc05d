import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditEmitter, Clock, PLATFORM_LOGGER } from '@therapy-room/platform';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { normaliseEmail } from '../common/normalise';
import { PasswordHasher } from '../common/password-hasher';
import { NewSignInNoticeService } from '../sign-in-notices/new-sign-in-notice.service';
import { TenantsRepository } from '../tenants/tenants.repository';
import { TwoFactorErrorCode, TwoFactorException } from '../two-factor/two-factor.exception';
import { TwoFactorService } from '../two-factor/two-factor.service';
import type { SecondFactorChallenge, SecondFactorDto } from '../two-factor/dto/two-factor.dto';
import { UsersRepository } from '../users/users.repository';
import type { LoginDto } from './dto/login.dto';
import { LoginThrottleService, type ThrottleSubject } from './login-throttle.service';
import { LoginThrottledException } from './login-throttled.exception';
import { accountKey, throttleAddress } from './policies/login-throttle.policy';
import { SessionStartService } from './session-start.service';
import { ACCOUNT_DEACTIVATED, NO_TENANT_ID, type LoginResult } from './sessions.service';

const INVALID_CREDENTIALS = 'The organisation, e-mail address or password is not correct.';

/** Signing in with a password, and the second factor after it when one is due. */
@Injectable()
export class PasswordLoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly twoFactor: TwoFactorService,
    private readonly signInNotices: NewSignInNoticeService,
    private readonly starter: SessionStartService,
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
    return this.starter.startSession(user, subject, 'auth.login', { deviceToken });
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
    const session = await this.starter.startSession(user, subject, 'auth.second_factor', {
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
}
