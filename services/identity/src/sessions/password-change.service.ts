import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Clock, PLATFORM_LOGGER, ValidationException, requestContext } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { PasswordHasher } from '../common/password-hasher';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import type { ChangePasswordDto } from './dto/change-password.dto';
import { LoginThrottleService, type ThrottleSubject } from './login-throttle.service';
import { LoginThrottledException } from './login-throttled.exception';
import { accountKey, throttleAddress } from './policies/login-throttle.policy';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { hashToken } from './session-token';

/** A signed-in user changes their password (knowing the current one). */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly revocations: SessionsService,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly clock: Clock,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

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
      await this.revocations.revokeAllForUser(user.id, 'password_changed', manager);
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
      await this.revocations.recordRevokeAll(manager, actor);
      return current.expiresAt;
    });
    this.logger.info({ tenantId: actor.tenantId, userId: actor.userId }, 'password changed');
    return { token, expiresAt: expiresAt.toISOString() };
  }
}
