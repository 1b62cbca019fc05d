import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { identityUserReactivatedV1, type AuditAction } from '@therapy-room/contracts';
import { AuditEmitter, OutboxService } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { SessionsService } from '../sessions/sessions.service';
import { LicenceService } from '../tenants/licence.service';
import { publishDeactivation } from './deactivation-events';
import { UsersRepository } from './users.repository';
import type { UserAccount, UserStatus } from './user-account.entity';

export interface UserStatusDto {
  id: string;
  status: UserStatus;
}

/**
 * Deactivation and reactivation by an org admin of the same organisation. Deactivation is reversible:
 * the account and its data stay, login is refused (with a clear message, only once the password is
 * proven), and every session ends. Each change, its session revocations, its event and its audit
 * entry commit together. Repeating a change is a no-op that publishes nothing.
 */
@Injectable()
export class UserLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
    private readonly licence: LicenceService,
  ) {}

  deactivate(actor: Actor, userId: string): Promise<UserStatusDto> {
    this.requireOrgAdmin(actor);
    if (userId === actor.userId) {
      throw new IdentityException(
        IdentityErrorCode.CannotDeactivateSelf,
        'You cannot deactivate your own account.',
      );
    }
    return this.change(actor, userId, 'user.deactivate', async (user, manager) => {
      if (user.status === 'deactivated') return false;
      await this.users.setStatus(user.id, 'deactivated', manager);
      await this.sessions.revokeAllForUser(user.id, 'deactivated', manager);
      await publishDeactivation(this.outbox, manager, {
        userId: user.id,
        byUserId: actor.userId,
        reason: 'organisation_admin',
        tenantId: actor.tenantId,
      });
      user.status = 'deactivated';
      return true;
    });
  }

  /**
   * Back to active; an account that never set a password goes back to invited instead. A professional
   * takes a licence seat again, so there must be a free one (a training account needs a free
   * training slot instead).
   */
  reactivate(actor: Actor, userId: string): Promise<UserStatusDto> {
    this.requireOrgAdmin(actor);
    return this.change(actor, userId, 'user.reactivate', async (user, manager) => {
      if (user.status !== 'deactivated') return false;
      if (user.training) {
        await this.licence.assertTrainingSlotFree(actor.tenantId, manager);
      } else if (user.role === 'professional') {
        await this.licence.assertProfessionalSeatFree(actor.tenantId, manager);
      }
      const status: UserStatus = (await this.users.hasPassword(user.id, manager)) ? 'active' : 'invited';
      await this.users.setStatus(user.id, status, manager);
      await this.outbox.add(
        manager,
        identityUserReactivatedV1,
        { userId: user.id, byUserId: actor.userId },
        { tenantId: actor.tenantId, subjectId: user.id },
      );
      user.status = status;
      return true;
    });
  }

  private async change(
    actor: Actor,
    userId: string,
    action: AuditAction,
    apply: (user: UserAccount, manager: EntityManager) => Promise<boolean>,
  ): Promise<UserStatusDto> {
    return this.dataSource.transaction(async (manager) => {
      // Scoped to the admin's own organisation: another organisation's account is simply not found.
      const user = await this.users.findInTenantForUpdate(actor.tenantId, userId, manager);
      if (!user) throw new IdentityException(IdentityErrorCode.NotFound, 'Not found.');
      if (await apply(user, manager)) {
        await this.audit.record(
          manager,
          {
            action,
            outcome: 'success',
            actorId: actor.userId,
            actorRole: actor.roles[0],
            resource: 'user',
            resourceId: user.id,
          },
          { tenantId: actor.tenantId, subjectId: user.id },
        );
      }
      return { id: user.id, status: user.status };
    });
  }

  private requireOrgAdmin(actor: Actor): void {
    if (!actor.roles.includes('org_admin')) {
      throw new IdentityException(
        IdentityErrorCode.Forbidden,
        'Only organisation administrators can deactivate or reactivate accounts.',
      );
    }
  }
}
