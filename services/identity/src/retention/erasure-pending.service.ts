import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  identityUserReactivatedV1,
  type MessageOf,
  type retentionErasureCancelledV1,
  type retentionErasureScheduledV1,
} from '@therapy-room/contracts';
import { AuditEmitter, changedRows, OutboxService } from '@therapy-room/platform';
import { SessionsService } from '../sessions/sessions.service';
import { publishDeactivation } from '../users/deactivation-events';
import { UsersRepository } from '../users/users.repository';
import type { UserStatus } from '../users/user-account.entity';

/**
 * Retention's grace period seen from identity: an account whose erasure is scheduled is deactivated at
 * once (sessions end, login refused), by the approving org admin; a cancelled erasure gives back the
 * status it had. Both in the inbox transaction of retention's event, audited like an admin's change.
 */
@Injectable()
export class ErasurePendingService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
  ) {}

  async scheduled(
    event: MessageOf<typeof retentionErasureScheduledV1>,
    manager: EntityManager,
  ): Promise<void> {
    if (!event.subjectId) return;
    const user = await this.users.findInTenantForUpdate(event.tenantId, event.subjectId, manager);
    if (!user) return;
    await manager.query(
      `INSERT INTO erasure_pending (user_id, request_id, previous_status) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET request_id = EXCLUDED.request_id`,
      [user.id, event.payload.requestId, user.status],
    );
    if (user.status === 'deactivated') return;
    await this.users.setStatus(user.id, 'deactivated', manager);
    await this.sessions.revokeAllForUser(user.id, 'deactivated', manager);
    const by = event.payload.approvedBy;
    // A sweep's erasure has no admin: v2 says so (the sessions end all the same).
    await publishDeactivation(this.outbox, manager, {
      userId: user.id,
      byUserId: by,
      reason: 'erasure_scheduled',
      tenantId: event.tenantId,
    });
    await this.record(manager, 'user.deactivate', by, user.id, event.tenantId, 'erasure_scheduled');
  }

  async cancelled(
    event: MessageOf<typeof retentionErasureCancelledV1>,
    manager: EntityManager,
  ): Promise<void> {
    if (!event.subjectId) return;
    const user = await this.users.findInTenantForUpdate(event.tenantId, event.subjectId, manager);
    if (!user) return;
    const rows = await changedRows<{ previous_status: UserStatus }>(
      manager,
      `DELETE FROM erasure_pending WHERE user_id = $1 AND request_id = $2 RETURNING previous_status`,
      [user.id, event.payload.requestId],
    );
    const previous = rows[0]?.previous_status;
    if (!previous || previous === 'deactivated' || user.status !== 'deactivated') return;
    await this.users.setStatus(user.id, previous, manager);
    await this.outbox.add(
      manager,
      identityUserReactivatedV1,
      { userId: user.id, byUserId: event.payload.cancelledBy },
      { tenantId: event.tenantId, subjectId: user.id },
    );
    await this.record(
      manager,
      'user.reactivate',
      event.payload.cancelledBy,
      user.id,
      event.tenantId,
      'erasure_cancelled',
    );
  }

  private record(
    manager: EntityManager,
    action: 'user.deactivate' | 'user.reactivate',
    adminId: string | null,
    userId: string,
    tenantId: string,
    reason: string,
  ) {
    return this.audit.record(
      manager,
      {
        action,
        outcome: 'success',
        actorId: adminId,
        actorRole: adminId ? 'org_admin' : null,
        resource: 'user',
        resourceId: userId,
        reason,
        basis: adminId ? 'organisation_admin' : 'system',
      },
      { tenantId, subjectId: userId },
    );
  }
}
