import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { retentionErasureScheduledV1 } from '@therapy-room/contracts';
import { Clock, OutboxService } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import { forbidden } from '../common/retention.exception';
import { RetentionAudit } from '../common/retention-audit';
import { SubjectPseudonym } from '../common/subject-pseudonym';
import { ActivityRepository } from '../activity/activity.repository';
import { PolicyRepository } from '../policy/policy.repository';
import { expiryDate } from '../policy/retention-policy';
import { RequestsRepository } from '../requests/requests.repository';
import type { SubjectRequest } from '../requests/request';
import { SweepRepository } from './sweep.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;

/**
 * The daily expiry sweep: in each organisation, clients whose records' statutory period ended (by the
 * organisation's policy), not under a legal hold and without an open erasure, get an erasure request
 * of the organisation itself (`retention_expired`), scheduled after the grace period like any approved
 * erasure (and held, resumed or cancelled the same way). One replica sweeps an organisation at a time
 * (advisory lock); each batch commits its requests with the day's cursor, so a stopped sweep resumes.
 * The dry run lists what the sweep would do, without doing it.
 */
@Injectable()
export class SweepService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sweeps: SweepRepository,
    private readonly activity: ActivityRepository,
    private readonly policies: PolicyRepository,
    private readonly requests: RequestsRepository,
    private readonly outbox: OutboxService,
    private readonly audit: RetentionAudit,
    private readonly pseudonym: SubjectPseudonym,
    private readonly clock: Clock,
  ) {}

  /** Sweeps today's unfinished organisations, at most `maxBatches` batches; answers requests started. */
  async sweep(maxBatches = 20): Promise<number> {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    let started = 0;
    let batches = 0;
    for (const tenantId of await this.sweeps.unfinished(day)) {
      for (;;) {
        if (batches++ >= maxBatches) return started;
        const outcome = await this.dataSource.transaction(async (manager) => {
          if (!(await this.sweeps.tryLock(manager, tenantId))) return { done: true, count: 0 };
          const policy = await this.policies.of(tenantId, manager);
          const after = await this.sweeps.cursor(manager, tenantId, day);
          const due = await this.activity.expired(
            tenantId,
            { years: policy.yearsAfterTreatment, country: policy.country },
            now,
            after,
            BATCH,
          );
          for (const client of due)
            await this.schedule(manager, tenantId, client.clientId, policy.graceDays, now);
          const done = due.length < BATCH;
          await this.sweeps.advance(
            manager,
            tenantId,
            day,
            due.at(-1)?.clientId ?? null,
            due.length,
            done ? now : null,
          );
          return { done, count: due.length };
        });
        started += outcome.count;
        if (outcome.done) break;
      }
    }
    return started;
  }

  /** What a sweep now would start in the actor's organisation (org admins; audited). */
  async dryRun(actor: Actor) {
    if (actorKind(actor) !== 'org_admin') throw forbidden("Only the organisation's administrators see it.");
    const now = this.clock.now();
    const policy = await this.policies.of(actor.tenantId);
    const items: { clientId: string; endOfTreatment: string; expiredOn: string }[] = [];
    let after: string | null = null;
    for (;;) {
      const due = await this.activity.expired(
        actor.tenantId,
        { years: policy.yearsAfterTreatment, country: policy.country },
        now,
        after,
        BATCH,
      );
      for (const c of due) {
        items.push({
          clientId: c.clientId,
          endOfTreatment: c.endOfTreatment.toISOString(),
          expiredOn: expiryDate(c.endOfTreatment, policy.yearsAfterTreatment, policy.country)
            .toISOString()
            .slice(0, 10),
        });
      }
      if (due.length < BATCH) break;
      after = due[due.length - 1].clientId;
    }
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, {
        action: 'retention.sweep_report',
        tenantId: actor.tenantId,
        subjectId: null,
        resource: 'retention.sweep',
        resourceId: actor.tenantId,
        basis: 'organisation_admin',
      }),
    );
    return {
      asOf: now.toISOString(),
      policy: {
        country: policy.country,
        yearsAfterTreatment: policy.yearsAfterTreatment,
        graceDays: policy.graceDays,
      },
      items,
    };
  }

  private async schedule(
    manager: EntityManager,
    tenantId: string,
    clientId: string,
    graceDays: number,
    now: Date,
  ) {
    const request: SubjectRequest = {
      id: randomUUID(),
      tenantId,
      subjectId: clientId,
      subjectPs: this.pseudonym.of(tenantId, clientId),
      kind: 'erasure',
      reason: 'retention_expired',
      state: 'requested',
      requestedBy: null,
      requestedByRole: 'system',
      requestedAt: now,
      approvedBy: null,
      approvedAt: null,
      runsAt: null,
      onHold: false,
      attempts: 0,
      lastSentAt: null,
      stuckAt: null,
      possibleFrom: null,
      completedAt: null,
    };
    await this.requests.insert(manager, request, null);
    const approved = await this.requests.move(manager, request, 'approved', null, now, { approved_at: now });
    const runsAt = new Date(now.getTime() + graceDays * DAY_MS);
    await this.requests.move(manager, approved, 'pending', null, now, { runs_at: runsAt });
    await this.outbox.add(
      manager,
      retentionErasureScheduledV1,
      { requestId: request.id, runsAt: runsAt.toISOString(), approvedBy: null },
      { tenantId, subjectId: clientId },
    );
    await this.audit.record(manager, null, {
      action: 'retention.request',
      tenantId,
      subjectId: clientId,
      resource: 'retention.erasure',
      resourceId: request.id,
      basis: 'system',
      reason: 'retention_expired',
    });
  }
}
