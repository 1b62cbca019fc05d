import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { retentionPolicyChangedV1 } from '@therapy-room/contracts';
import { AuditEmitter, Clock, OutboxService } from '@therapy-room/platform';
import { actorKind, auditRole, type Actor } from '@therapy-room/auth';
import { forbidden } from '../common/retention.exception';
import { PolicyRepository } from './policy.repository';
import type { RetentionPolicy } from './retention-policy';

/**
 * The organisation's retention policy: org admins read and change it (audited). Each save tells the
 * other services what they act on (`retention.policy.changed.v1`: identity's idle-account rule).
 */
@Injectable()
export class PolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRepository,
    private readonly audit: AuditEmitter,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor): Promise<RetentionPolicy> {
    if (actorKind(actor) !== 'org_admin') throw forbidden("Only the organisation's administrators see it.");
    return this.policies.of(actor.tenantId);
  }

  async set(actor: Actor, policy: RetentionPolicy): Promise<RetentionPolicy> {
    if (actorKind(actor) !== 'org_admin')
      throw forbidden("Only the organisation's administrators change it.");
    await this.dataSource.transaction(async (manager) => {
      await this.policies.save(manager, actor.tenantId, policy, actor.userId, this.clock.now());
      await this.outbox.add(
        manager,
        retentionPolicyChangedV1,
        { idleDays: policy.idleDays },
        { tenantId: actor.tenantId },
      );
      await this.audit.record(
        manager,
        {
          action: 'retention.policy_change',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: auditRole(actor),
          resource: 'retention.policy',
          resourceId: actor.tenantId,
          basis: 'organisation_admin',
          sourceService: 'retention',
        },
        { tenantId: actor.tenantId, subjectId: null },
      );
    });
    return this.policies.of(actor.tenantId);
  }
}
