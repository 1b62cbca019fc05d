import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditBasis } from '@therapy-room/contracts';
import { AuditedAccess, Clock, ValidationException } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import { PeopleDirectory, type Person } from '@therapy-room/people-directory';
import { CaseloadErrorCode, CaseloadException, notFound } from '../common/caseload.exception';
import { CaseloadRepository } from './caseload.repository';
import { may, type CaseloadOperation, type Standing } from './policies/standing';

const actionOf: Record<CaseloadOperation, AuditAction> = {
  read: 'caseload.read',
  link: 'caseload.link',
  unlink: 'caseload.unlink',
  move: 'caseload.move',
  unassign: 'caseload.unassign',
};

/** The audit basis of each standing: what allowed the access. */
export const basisOf: Record<Standing, AuditBasis> = {
  org_admin: 'organisation_admin',
  staff: 'staff_grant',
  assigned: 'caseload_assignment',
  linked: 'colleague_link',
  self: 'self',
};

/**
 * The actor's standing towards one client, and the audited refusal when they have none: 404 when the
 * actor may not know the client exists (another organisation, not in their caseload, another client),
 * 403 when they may see the client but not do this. Shared by every caseload use case.
 */
@Injectable()
export class CaseloadAuthority {
  constructor(
    private readonly caseload: CaseloadRepository,
    private readonly people: PeopleDirectory,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

  async authorise(
    actor: Actor,
    clientId: string,
    operation: CaseloadOperation,
  ): Promise<{ client: Person; standing: Standing; basis: AuditBasis }> {
    const client = await this.people.find(actor.tenantId, clientId);
    const action = actionOf[operation];
    if (!client || client.role !== 'client') throw await this.refuse(actor, action, clientId, false);
    let standing: Standing | null = null;
    const kind = actorKind(actor);
    if (kind === 'org_admin' || kind === 'staff') standing = kind;
    else if (kind === 'client') standing = actor.userId === clientId ? 'self' : null;
    else if (kind === 'professional') {
      const relation = await this.caseload.relation(actor.tenantId, clientId, actor.userId, this.clock.now());
      standing = relation.assigned ? 'assigned' : relation.linked ? 'linked' : null;
    }
    if (!standing) throw await this.refuse(actor, action, clientId, true);
    if (!may(operation, standing)) throw await this.refuse(actor, action, clientId, true, true);
    return { client, standing, basis: basisOf[standing] };
  }

  /** Records the refusal (its own transaction: nothing else is written) and returns the error to throw. */
  async refuse(
    actor: Actor,
    action: AuditAction,
    clientId: string | null,
    clientExists: boolean,
    visible = false,
    reason?: string,
  ): Promise<CaseloadException> {
    await this.audit.refused({
      actor,
      action,
      resource: 'caseload.entry',
      resourceId: clientId,
      subjectId: clientExists ? clientId : null,
      ...(reason ? { reason } : {}),
    });
    return visible
      ? new CaseloadException(CaseloadErrorCode.Forbidden, 'You may see this client but not do this.')
      : notFound();
  }

  assertProfessional(person: Person | null, field: string): void {
    if (!person || person.role !== 'professional') {
      throw new ValidationException([{ path: field, message: 'is not a professional of your organisation' }]);
    }
    if (person.status !== 'active') {
      throw new ValidationException([{ path: field, message: 'is deactivated' }]);
    }
  }
}
