import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEmitter, requestContext } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import { LoginThrottleService, type ThrottleSubject } from '../sessions/login-throttle.service';
import { LoginThrottledException } from '../sessions/login-throttled.exception';
import { accountKey, throttleAddress } from '../sessions/policies/login-throttle.policy';
import { TwoFactorRepository } from './two-factor.repository';
import { TwoFactorService } from './two-factor.service';
import { TwoFactorErrorCode, TwoFactorException } from './two-factor.exception';

/**
 * Turning 2FA off with a current code (or a recovery code). A guess here is a guess at the second
 * factor, so it is throttled and charged exactly like a login attempt for that (account, address):
 * a stolen session does not open a way around the login throttle, and each guess costs at most one
 * hash verification (see TwoFactorService.verifyCode).
 */
@Injectable()
export class TwoFactorOffService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly twoFactor: TwoFactorService,
    private readonly repository: TwoFactorRepository,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
  ) {}

  /** Refused when 2FA is mandatory for the user, when it is not on, or when the code is wrong. */
  async disable(actor: Actor, code: string): Promise<void> {
    const user = await this.twoFactor.userOf(actor);
    if (await this.twoFactor.isMandatory(user.role, user.tenantId)) {
      throw new TwoFactorException(
        TwoFactorErrorCode.Mandatory,
        'Two-factor authentication is mandatory for your account and cannot be turned off.',
      );
    }
    const totp = await this.repository.findTotp(user.id);
    if (!totp?.confirmedAt) {
      throw new TwoFactorException(TwoFactorErrorCode.NotActive, 'Two-factor authentication is not active.');
    }
    const subject: ThrottleSubject = {
      accountKey: accountKey({ tenantId: user.tenantId }, user.email),
      address: throttleAddress(requestContext.get()?.sourceAddress ?? '::'),
      tenantId: user.tenantId,
    };
    const admission = await this.dataSource.transaction((manager) =>
      this.throttle.admit(manager, subject, this.clock.now()),
    );
    if (!admission.admitted) throw new LoginThrottledException(admission.retryAfterSeconds);
    if (!(await this.twoFactor.verifyCode(user.id, code))) {
      throw new TwoFactorException(
        TwoFactorErrorCode.InvalidCode,
        'The code is not correct or has already been used.',
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await this.repository.deleteAll(user.id, manager);
      await this.throttle.succeeded(manager, subject, this.clock.now());
      await this.audit.record(
        manager,
        {
          action: 'auth.two_factor.disabled',
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          resource: 'user_account',
          resourceId: user.id,
        },
        { tenantId: user.tenantId, subjectId: user.id },
      );
    });
  }
}
