import { Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditAction, AuditBasis, UserRole } from '@therapy-room/contracts';
import { AuditEmitter, type AuditEntry } from './audit-emitter';

/** The authenticated actor as the audit needs it (the internal token's actor fits as it is). */
export interface AccessActor {
  userId: string;
  tenantId: string;
  /** The first role is the one recorded. */
  roles: readonly UserRole[];
  /** The staff access grant the actor acts under, if any: recorded with the entry. */
  grantId?: string;
  /** The org admin who approved that grant: recorded as the responsible user (NEN 7513). */
  grantResponsible?: string;
}

/** An access to (or an attempt on) a person's data: who, what, which thing, whose. */
export interface Access {
  /** Null: the platform itself (an event handler, a sweep), no person acted. */
  actor: AccessActor | null;
  action: AuditAction;
  /** What kind of thing ('caseload.entry', 'content.assignment'): an identifier, never free text. */
  resource: string;
  resourceId: string | null;
  /** The person whose data it is (the envelope's subject); null when not known. */
  subjectId: string | null;
  /** The organisation; the actor's when not given (required without an actor). */
  tenantId?: string;
  sensitivity?: AuditEntry['sensitivity'];
  /**
   * The person responsible when the actor acts for another; for staff under a grant, the grant's
   * approver from the actor when not given.
   */
  responsibleUserId?: string;
}

/**
 * An access that was allowed, and on what basis (NEN 7513's authorisation): the client themself, a
 * caseload assignment, a colleague link, a staff grant, a shared report, the organisation's admin role
 * or the platform itself. The basis is required: it comes from the access check that allowed it.
 */
export type GrantedAccess = Access & { basis: AuditBasis };

/** An access that was refused: no basis, and why, as a code ('not_found', 'forbidden'). */
export type RefusedAccess = Access & { reason?: string };

/**
 * The one way a service records an access to a person's data: `succeeded` in the transaction of what
 * it did (the entry exists iff that was committed), `refused` in its own transaction (nothing else is
 * written). Every service's access check hands over the basis on which it allowed the access.
 */
@Injectable()
export class AuditedAccess {
  constructor(
    private readonly emitter: AuditEmitter,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  succeeded(manager: EntityManager, access: GrantedAccess): Promise<void> {
    return this.emitter.record(manager, this.entry(access, 'success', access.basis), this.scope(access));
  }

  /** Several allowed accesses in one statement (e.g. one per conversation in a list). */
  succeededMany(manager: EntityManager, accesses: GrantedAccess[]): Promise<void> {
    return this.emitter.recordMany(
      manager,
      accesses.map((access) => ({
        entry: this.entry(access, 'success', access.basis),
        scope: this.scope(access),
      })),
    );
  }

  /**
   * One action on many people's data at once (a page of a list), each with the basis that allowed it:
   * one `audit.entry-batch.recorded.v1` per basis, one record per person in the log. Nothing for none.
   */
  async succeededForMany(
    manager: EntityManager,
    access: Omit<Access, 'resourceId' | 'subjectId'>,
    subjects: { subjectId: string; resourceId: string; basis: AuditBasis }[],
  ): Promise<void> {
    const byBasis = new Map<AuditBasis, { subjectId: string; resourceId: string }[]>();
    for (const { subjectId, resourceId, basis } of subjects) {
      const group = byBasis.get(basis) ?? [];
      group.push({ subjectId, resourceId });
      byBasis.set(basis, group);
    }
    const tenantId = this.scope({ ...access, resourceId: null, subjectId: null }).tenantId;
    for (const [basis, group] of byBasis) {
      const { resourceId: _none, ...entry } = this.entry(
        { ...access, resourceId: null, subjectId: null },
        'success',
        basis,
      );
      await this.emitter.recordForMany(manager, entry, tenantId, group);
    }
  }

  /** Records the refusal; in its own transaction unless a manager is given. */
  async refused(access: RefusedAccess, manager?: EntityManager): Promise<void> {
    const entry: AuditEntry = {
      ...this.entry(access, 'failure', undefined),
      ...(access.reason ? { reason: access.reason } : {}),
    };
    if (manager) return this.emitter.record(manager, entry, this.scope(access));
    if (!this.dataSource) throw new Error('AuditedAccess.refused needs the service database');
    await this.dataSource.transaction((m) => this.emitter.record(m, entry, this.scope(access)));
  }

  private entry(access: Access, outcome: 'success' | 'failure', basis: AuditBasis | undefined): AuditEntry {
    const { actor } = access;
    const responsibleUserId =
      access.responsibleUserId ?? (actor?.grantId ? actor.grantResponsible : undefined);
    return {
      action: access.action,
      outcome,
      actorId: actor?.userId ?? null,
      actorRole: actor?.roles[0] ?? null,
      resource: access.resource,
      resourceId: access.resourceId,
      ...(basis ? { basis } : {}),
      ...(actor?.grantId ? { grantId: actor.grantId } : {}),
      ...(responsibleUserId ? { responsibleUserId } : {}),
      ...(access.sensitivity ? { sensitivity: access.sensitivity } : {}),
    };
  }

  private scope(access: Access): { tenantId: string; subjectId: string | null } {
    const tenantId = access.tenantId ?? access.actor?.tenantId;
    if (!tenantId) throw new Error('An audited access without an actor must name its organisation');
    return { tenantId, subjectId: access.subjectId };
  }
}
