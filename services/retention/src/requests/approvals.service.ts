import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { retentionErasureCancelledV1, retentionErasureScheduledV1 } from '@therapy-room/contracts';
import { Clock, OutboxService } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import { RetentionErrorCode, RetentionException, forbidden, notFound } from '../common/retention.exception';
import { RetentionAudit } from '../common/retention-audit';
import { PolicyRepository } from '../policy/policy.repository';
import { LegalHoldRepository } from '../legal-hold/legal-hold.repository';
import { SagaService } from '../saga/saga.service';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import type { SubjectRequest } from './request';
import type { RequestView } from './dto/requests.dto';

const DAY_MS = 24 * 60 * 60 * 1000;
const wrongState = (detail: string) => new RetentionException(RetentionErrorCode.WrongState, detail);

/**
 * The org admins' steps. Approval needs an org admin other than the requester (four eyes). An approved
 * erasure becomes delete-pending for the organisation's grace period (the account is deactivated at
 * once, by identity on retention.erasure.scheduled.v1) and may be held, resumed or cancelled until it
 * runs; an approved export runs at once. A legal hold blocks approving an erasure.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsRepository,
    private readonly reads: RequestsService,
    private readonly policies: PolicyRepository,
    private readonly holds: LegalHoldRepository,
    private readonly saga: SagaService,
    private readonly outbox: OutboxService,
    private readonly audit: RetentionAudit,
    private readonly clock: Clock,
  ) {}

  approve(actor: Actor, id: string): Promise<RequestView> {
    return this.step(actor, id, async (manager, r, now) => {
      if (r.state !== 'requested') throw wrongState('Only a request waiting for approval can be approved.');
      if (r.requestedBy === actor.userId) {
        throw new RetentionException(
          RetentionErrorCode.OwnRequest,
          'Another org admin must approve this request.',
        );
      }
      if (r.kind === 'erasure' && (await this.holds.of(r.tenantId, r.subjectId!, manager))) {
        throw new RetentionException(
          RetentionErrorCode.LegalHold,
          'A legal hold blocks every erasure of this client.',
        );
      }
      const approved = await this.requests.move(manager, r, 'approved', actor.userId, now, {
        approved_by: actor.userId,
        approved_at: now,
      });
      await this.record(manager, actor, r, 'retention.approve');
      if (r.kind === 'export') {
        await this.saga.start(manager, approved, actor.userId, now);
        return;
      }
      const { graceDays } = await this.policies.of(r.tenantId, manager);
      const runsAt = new Date(now.getTime() + graceDays * DAY_MS);
      await this.requests.move(manager, approved, 'pending', actor.userId, now, { runs_at: runsAt });
      await this.outbox.add(
        manager,
        retentionErasureScheduledV1,
        { requestId: r.id, runsAt: runsAt.toISOString(), approvedBy: actor.userId },
        { tenantId: r.tenantId, subjectId: r.subjectId },
      );
    });
  }

  hold(actor: Actor, id: string, onHold: boolean): Promise<RequestView> {
    return this.step(actor, id, async (manager, r) => {
      if (r.state !== 'pending')
        throw wrongState('Only a scheduled erasure (in its grace period) can be held.');
      if (r.onHold === onHold) return;
      await this.requests.setHold(manager, r.id, onHold);
      await this.record(manager, actor, r, onHold ? 'retention.hold' : 'retention.resume');
    });
  }

  cancel(actor: Actor, id: string): Promise<RequestView> {
    return this.step(actor, id, async (manager, r, now) => {
      if (r.state !== 'requested' && r.state !== 'pending') {
        throw wrongState('Only a request waiting for approval or in its grace period can be cancelled.');
      }
      await this.requests.move(manager, r, 'cancelled', actor.userId, now);
      await this.record(manager, actor, r, 'retention.cancel');
      if (r.state === 'pending') {
        await this.outbox.add(
          manager,
          retentionErasureCancelledV1,
          { requestId: r.id, cancelledBy: actor.userId },
          { tenantId: r.tenantId, subjectId: r.subjectId },
        );
      }
    });
  }

  private async step(
    actor: Actor,
    id: string,
    run: (manager: EntityManager, r: SubjectRequest, now: Date) => Promise<void>,
  ): Promise<RequestView> {
    if (actorKind(actor) !== 'org_admin')
      throw forbidden("Only the organisation's administrators decide requests.");
    await this.dataSource.transaction(async (manager) => {
      const r = await this.requests.find(actor.tenantId, id, manager, true);
      if (!r) throw notFound();
      await run(manager, r, this.clock.now());
    });
    return this.reads.view(actor.tenantId, id);
  }

  private record(
    manager: EntityManager,
    actor: Actor,
    r: SubjectRequest,
    action: 'retention.approve' | 'retention.hold' | 'retention.resume' | 'retention.cancel',
  ) {
    return this.audit.record(manager, actor, {
      action,
      tenantId: r.tenantId,
      subjectId: r.subjectId,
      resource: `retention.${r.kind}`,
      resourceId: r.id,
      basis: 'organisation_admin',
    });
  }
}
