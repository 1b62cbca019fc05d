import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditAction } from '@therapy-room/contracts';
import { AuditEmitter } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import type { Session } from '../sessions/session.entity';
import type { UserAccount } from '../users/user-account.entity';
import { SessionRotation } from '../sessions/session-rotation.service';
import { StaffAccessRepository } from './staff-access.repository';
import type { StaffAccessGrant } from './staff-access-grant.entity';
import { STAFF_ACCESS_REQUIRED, StaffAccessErrorCode, StaffAccessException } from './staff-access.exception';
import { grantIsActive } from './policies/grant-is-active';
import { StaffGrantEndingService } from './staff-grant-ending.service';
import type { GrantView, ListGrantsQuery, RequestGrantDto } from './dto/staff-access.dto';

const notFound = () => new StaffAccessException(StaffAccessErrorCode.NotFound, 'Not found.');

/**
 * Platform staff reach an organisation only through a grant: requested by the staff member with a
 * reason and a duration, approved (or denied, or later revoked) by an org admin of that organisation,
 * and then chosen for the staff session (`use`). Every step is audited in the organisation's tenant.
 */
@Injectable()
export class StaffAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: StaffAccessRepository,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    private readonly sessions: SessionRotation,
    private readonly ending: StaffGrantEndingService,
  ) {}

  /**
   * The organisation a staff session acts in, if its grant is still approved and unexpired now
   * (checked on every resolve); otherwise null. A session that was made for a grant (`grantId`) and
   * gets null here is refused by SessionResolver.resolve: it never falls back to another tenant.
   * With it, the org admin who approved the grant (`approvedBy`): the responsible user (NEN 7513) of
   * everything the staff member does under it.
   */
  async actingTenant(
    session: Pick<Session, 'actingTenantId' | 'grantId'>,
    user: Pick<UserAccount, 'id' | 'role'>,
    now: Date,
  ): Promise<{ tenantId: string; grantId: string; approvedBy: string | null } | null> {
    if (user.role !== 'platform_staff' || !session.grantId || !session.actingTenantId) return null;
    const grant = await this.grants.findById(session.grantId);
    if (!grant || grant.requesterId !== user.id || grant.tenantId !== session.actingTenantId) return null;
    return grantIsActive(grant, now) && !grant.endedAt
      ? { tenantId: grant.tenantId, grantId: grant.id, approvedBy: grant.decidedBy }
      : null;
  }

  async request(actor: Actor, dto: RequestGrantDto): Promise<GrantView> {
    await this.assertStaff(actor);
    const tenant = await this.tenants.findBySlug(dto.tenantSlug);
    if (!tenant || tenant.isOperator) throw notFound();
    const now = this.clock.now();
    const grant: StaffAccessGrant = {
      id: randomUUID(),
      tenantId: tenant.id,
      requesterId: actor.userId,
      reason: dto.reason,
      durationMinutes: dto.durationMinutes,
      status: 'requested',
      requestedAt: now,
      decidedBy: null,
      decidedAt: null,
      validFrom: null,
      validUntil: null,
      revokedBy: null,
      revokedAt: null,
      endedAt: null,
    };
    await this.dataSource.transaction(async (manager) => {
      await this.grants.insert(grant, manager);
      await this.record(manager, 'staff_access.request', actor, grant);
    });
    return this.view(grant, now);
  }

  /** Org admins: their organisation's grants; platform staff: their own. */
  async list(actor: Actor, query: ListGrantsQuery): Promise<{ items: GrantView[] }> {
    const now = this.clock.now();
    if (actor.roles.includes('platform_staff')) {
      await this.assertStaff(actor);
      const items = await this.grants.list({ requesterId: actor.userId }, query.status);
      return { items: items.map((g) => this.view(g, now)) };
    }
    this.assertOrgAdmin(actor);
    const items = await this.grants.list({ tenantId: actor.tenantId }, query.status);
    return { items: items.map((g) => this.view(g, now)) };
  }

  approve(actor: Actor, id: string): Promise<GrantView> {
    return this.decide(actor, id, 'staff_access.approve', (grant, now) => {
      if (grant.status !== 'requested') throw notPending();
      return {
        status: 'approved',
        decidedBy: actor.userId,
        decidedAt: now,
        validFrom: now,
        validUntil: new Date(now.getTime() + grant.durationMinutes * 60_000),
      };
    });
  }

  deny(actor: Actor, id: string): Promise<GrantView> {
    return this.decide(actor, id, 'staff_access.deny', (grant, now) => {
      if (grant.status !== 'requested') throw notPending();
      return { status: 'denied', decidedBy: actor.userId, decidedAt: now };
    });
  }

  /**
   * Ends an approved grant early: its sessions are revoked and `identity.staff-grant.ended.v1` tells
   * the gateways, in the same transaction, so access ends at once (not after their session cache).
   */
  revoke(actor: Actor, id: string): Promise<GrantView> {
    return this.decide(
      actor,
      id,
      'staff_access.revoke',
      (grant, now) => {
        if (!grantIsActive(grant, now) || grant.endedAt) {
          throw new StaffAccessException(
            StaffAccessErrorCode.GrantNotActive,
            'This access grant is not active.',
          );
        }
        return { status: 'revoked', revokedBy: actor.userId, revokedAt: now, endedAt: now };
      },
      (manager, grant, now) => this.ending.announce(manager, grant, 'revoked', now),
    );
  }

  /**
   * The staff member's session acts in the grant's organisation from now on (while the grant lasts).
   * A privilege change: the session gets a new id and token (the gateway sets the new cookie).
   */
  async use(actor: Actor, id: string): Promise<GrantView & { token: string; expiresAt: string }> {
    await this.assertStaff(actor);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const grant = await this.grants.findById(id, manager);
      if (!grant || grant.requesterId !== actor.userId) throw notFound();
      if (!grantIsActive(grant, now)) {
        throw new StaffAccessException(StaffAccessErrorCode.StaffAccessRequired, STAFF_ACCESS_REQUIRED);
      }
      const acting = { tenantId: grant.tenantId, grantId: grant.id };
      const session = await this.sessions.rotate(actor, manager, acting);
      if (!session) throw notFound();
      await this.record(manager, 'staff_access.use', actor, grant);
      return { ...this.view(grant, now), ...session };
    });
  }

  private async decide(
    actor: Actor,
    id: string,
    action: AuditAction,
    change: (grant: StaffAccessGrant, now: Date) => Partial<StaffAccessGrant>,
    after?: (manager: EntityManager, grant: StaffAccessGrant, now: Date) => Promise<void>,
  ): Promise<GrantView> {
    this.assertOrgAdmin(actor);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const grant = await this.grants.findByIdForUpdate(id, manager);
      // Another organisation's grant does not exist for this admin.
      if (!grant || grant.tenantId !== actor.tenantId) throw notFound();
      if (grant.requesterId === actor.userId) {
        throw new StaffAccessException(
          StaffAccessErrorCode.Forbidden,
          'An access grant is decided by someone other than its requester.',
        );
      }
      const changes = change(grant, now);
      await this.grants.update(grant.id, changes, manager);
      const updated = { ...grant, ...changes };
      await after?.(manager, updated, now);
      await this.record(manager, action, actor, updated);
      return this.view(updated, now);
    });
  }

  /** The actor is a platform staff member of an operator tenant (acting under a grant or not). */
  private async assertStaff(actor: Actor): Promise<void> {
    const user = actor.roles.includes('platform_staff') ? await this.users.findById(actor.userId) : null;
    const home = user ? await this.tenants.findById(user.tenantId) : null;
    if (!user || user.role !== 'platform_staff' || user.status !== 'active' || !home?.isOperator) {
      throw new StaffAccessException(StaffAccessErrorCode.Forbidden, 'Only platform staff can do this.');
    }
  }

  /** An org admin acting in their own organisation (never staff under a grant). */
  private assertOrgAdmin(actor: Actor): void {
    if (!actor.roles.includes('org_admin') || actor.grantId) {
      throw new StaffAccessException(
        StaffAccessErrorCode.Forbidden,
        "Only the organisation's administrators decide on access grants.",
      );
    }
  }

  private record(manager: EntityManager, action: AuditAction, actor: Actor, grant: StaffAccessGrant) {
    return this.audit.record(
      manager,
      {
        action,
        outcome: 'success',
        actorId: actor.userId,
        actorRole: actor.roles[0],
        resource: 'staff_access_grant',
        resourceId: grant.id,
      },
      // In the organisation the grant is for, so its own audit trail shows every step.
      { tenantId: grant.tenantId, subjectId: grant.requesterId },
    );
  }

  private view(grant: StaffAccessGrant, now: Date): GrantView {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: grant.id,
      tenantId: grant.tenantId,
      requesterId: grant.requesterId,
      reason: grant.reason,
      durationMinutes: grant.durationMinutes,
      status: grant.status,
      active: grantIsActive(grant, now),
      requestedAt: grant.requestedAt.toISOString(),
      decidedBy: grant.decidedBy,
      decidedAt: iso(grant.decidedAt),
      validFrom: iso(grant.validFrom),
      validUntil: iso(grant.validUntil),
      revokedAt: iso(grant.revokedAt),
    };
  }
}

const notPending = () =>
  new StaffAccessException(
    StaffAccessErrorCode.GrantNotPending,
    'This access grant has already been decided.',
  );
