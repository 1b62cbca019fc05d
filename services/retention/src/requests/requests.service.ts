import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, PLATFORM_CONFIG } from '@therapy-room/platform';
import type { RetentionConfig } from '../retention.config';
import { actorKind, type Actor } from '@therapy-room/auth';
import { RetentionErrorCode, RetentionException, forbidden, notFound } from '../common/retention.exception';
import { RetentionAudit } from '../common/retention-audit';
import { SubjectPseudonym } from '../common/subject-pseudonym';
import { PolicyRepository } from '../policy/policy.repository';
import { endOfTreatment, expiryDate } from '../policy/retention-policy';
import { ActivityRepository } from '../activity/activity.repository';
import { LegalHoldRepository } from '../legal-hold/legal-hold.repository';
import { SagaService } from '../saga/saga.service';
import { RequestsRepository } from './requests.repository';
import { ClientAccess } from './client-access';
import { toView } from './request-view';
import type { SubjectRequest } from './request';
import type { CreateRequestDto, ListRequestsQuery, RequestView } from './dto/requests.dto';

/**
 * Raising and reading requests. A client asks for their own data; a professional (caseload) or an org
 * admin records a request on the client's behalf. Asking again while one is open answers the open one.
 * An erasure the organisation's policy forbids before the statutory period ends is refused with the
 * date it becomes possible (kept as a refused request, audited).
 */
@Injectable()
export class RequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsRepository,
    private readonly access: ClientAccess,
    private readonly policies: PolicyRepository,
    private readonly activity: ActivityRepository,
    private readonly holds: LegalHoldRepository,
    private readonly saga: SagaService,
    private readonly audit: RetentionAudit,
    private readonly pseudonym: SubjectPseudonym,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: RetentionConfig,
  ) {}

  async raise(actor: Actor, dto: CreateRequestDto): Promise<{ created: boolean; view: RequestView }> {
    const { subjectId, basis } = await this.access.subjectFor(actor, dto.clientId);
    if (dto.kind === 'export' && !this.saga.exportsConfigured()) {
      throw new RetentionException(
        RetentionErrorCode.WrongState,
        'Exports are not configured in this region.',
      );
    }
    if (dto.kind === 'export' && actorKind(actor) === 'client') this.requireFreshSignIn(actor);
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (manager) => {
      // One open request per subject and kind: concurrent askers serialise on the subject.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `${subjectId}:${dto.kind}`,
      ]);
      const open = await this.requests.open(manager, actor.tenantId, subjectId, dto.kind);
      if (open) return { created: false as const, request: open };
      const request: SubjectRequest = {
        id: randomUUID(),
        tenantId: actor.tenantId,
        subjectId,
        subjectPs: this.pseudonym.of(actor.tenantId, subjectId),
        kind: dto.kind,
        reason: 'client_request',
        state: 'requested',
        requestedBy: actor.userId,
        requestedByRole: actor.roles[0],
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
      const entry = {
        tenantId: actor.tenantId,
        subjectId,
        resource: `retention.${dto.kind}`,
        resourceId: request.id,
        basis,
      };
      if (dto.kind === 'erasure') {
        if (await this.holds.of(actor.tenantId, subjectId, manager)) {
          await this.audit.record(manager, actor, {
            ...entry,
            action: 'retention.request',
            outcome: 'failure',
            reason: 'legal_hold',
          });
          return { created: false as const, legalHold: true as const };
        }
        const possibleFrom = await this.refusalDate(actor.tenantId, subjectId, now);
        if (possibleFrom) {
          request.state = 'refused';
          request.possibleFrom = possibleFrom;
          await this.requests.insert(manager, request, actor.userId);
          await this.audit.record(manager, actor, {
            ...entry,
            action: 'retention.refuse',
            outcome: 'failure',
            reason: 'retention_period',
          });
          return { created: true as const, request, refused: possibleFrom };
        }
      }
      await this.requests.insert(manager, request, actor.userId);
      await this.audit.record(manager, actor, { ...entry, action: 'retention.request' });
      // A client's own export needs nobody's approval.
      if (dto.kind === 'export' && actorKind(actor) === 'client') {
        const approved = await this.requests.move(manager, request, 'approved', actor.userId, now, {
          approved_by: actor.userId,
          approved_at: now,
        });
        return {
          created: true as const,
          request: await this.saga.start(manager, approved, actor.userId, now),
        };
      }
      return { created: true as const, request };
    });
    if ('legalHold' in outcome) {
      throw new RetentionException(
        RetentionErrorCode.LegalHold,
        'A legal hold blocks every erasure of this client.',
      );
    }
    if ('refused' in outcome && outcome.refused) {
      throw new RetentionException(
        RetentionErrorCode.RetentionPeriodNotEnded,
        `The organisation keeps health records for a statutory period after the end of treatment; ` +
          `erasure is possible from ${outcome.refused} (request ${outcome.request.id}).`,
      );
    }
    return { created: outcome.created, view: await this.view(outcome.request.tenantId, outcome.request.id) };
  }

  /**
   * A client's own export hands over their whole record: only within RETENTION_REAUTH_SECONDS of a sign-in
   * (password, and second factor where they have one). Signing in again is the re-authentication.
   */
  private requireFreshSignIn(actor: Actor): void {
    const at = actor.authenticatedAt ? Date.parse(actor.authenticatedAt) : NaN;
    const age = this.clock.now().getTime() - at;
    if (!(age >= -60_000 && age <= this.config.RETENTION_REAUTH_SECONDS * 1000)) {
      throw new RetentionException(
        RetentionErrorCode.ReauthenticationRequired,
        'Sign in again (password and second factor) and ask for the export within 5 minutes.',
      );
    }
  }

  /** The first day an erasure is allowed, when the policy refuses it today; null when it is allowed. */
  private async refusalDate(tenantId: string, subjectId: string, now: Date): Promise<string | null> {
    const policy = await this.policies.of(tenantId);
    if (policy.erasureBeforeExpiry === 'allowed') return null;
    const end = endOfTreatment(await this.activity.of(tenantId, subjectId), now);
    if (!end) return null;
    const expiry = expiryDate(end, policy.yearsAfterTreatment, policy.country);
    return expiry > now ? expiry.toISOString().slice(0, 10) : null;
  }

  async get(actor: Actor, id: string): Promise<RequestView> {
    const r = await this.requests.find(actor.tenantId, id);
    if (!r) throw notFound();
    await this.mayRead(actor, r);
    return this.view(r.tenantId, r.id);
  }

  async list(actor: Actor, query: ListRequestsQuery): Promise<{ items: RequestView[] }> {
    let subjectId = query.clientId;
    if (actorKind(actor) !== 'org_admin') {
      // Clients see their own; professionals those of a client in their caseload.
      subjectId = (await this.access.subjectFor(actor, query.clientId)).subjectId;
    }
    const rows = await this.requests.list(actor.tenantId, { subjectId, state: query.state }, 100);
    return {
      items: await Promise.all(rows.map(async (r) => toView(r, await this.requests.participants(r.id)))),
    };
  }

  /** The request's client, whoever raised it on their behalf, and org admins. */
  private async mayRead(actor: Actor, r: SubjectRequest): Promise<void> {
    const kind = actorKind(actor);
    if (kind === 'org_admin') return;
    if (r.subjectId === null) throw notFound();
    if (kind === 'client' && r.subjectId === actor.userId) return;
    if (kind === 'professional') {
      await this.access.subjectFor(actor, r.subjectId);
      return;
    }
    if (kind === 'staff' || kind === 'none') throw forbidden('Not for platform staff.');
    throw notFound();
  }

  async view(tenantId: string, id: string): Promise<RequestView> {
    const r = await this.requests.find(tenantId, id);
    if (!r) throw notFound();
    return toView(r, await this.requests.participants(r.id));
  }
}
