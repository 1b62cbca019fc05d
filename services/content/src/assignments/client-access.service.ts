import { Injectable } from '@nestjs/common';
import type { Actor } from '@therapy-room/auth';
import type { AuditAction, AuditBasis } from '@therapy-room/contracts';
import { AuditedAccess } from '@therapy-room/platform';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { actorKind } from '@therapy-room/auth';
import type { Standing } from '../common/content-actor';
import type { ContentResource } from '../common/content-resource';
import { forbidden, notFound, ContentException } from '../common/content.exception';
import { AssignmentsRepository, type AssignmentRow } from './assignments.repository';

/**
 * Decides, in the data path, who may see or change a client's work: the client themself, or a
 * professional with a grant in the caseload read model right now (assignment or colleague link), of
 * the same organisation. Organisation administrators and platform staff under a grant of the
 * client's own organisation get 403; anyone else (another organisation's admins and staff included)
 * gets 404, as in caseload and messaging. Every refusal is audited (outcome failure) before it is
 * answered; an allowed access comes with its audit basis (the client themself, or the professional's
 * caseload assignment or colleague link).
 */
@Injectable()
export class ClientAccess {
  constructor(
    private readonly caseload: CaseloadAccess,
    private readonly assignments: AssignmentsRepository,
    private readonly audit: AuditedAccess,
  ) {}

  /**
   * The actor's standing to the client and the basis of their access, or a refusal (403 for
   * administrators, 404 for anyone else).
   */
  async standing(
    actor: Actor,
    clientId: string,
    allowed: readonly Standing[],
    audit: { action: AuditAction; resource: ContentResource; resourceId: string | null },
  ): Promise<{ standing: Standing; basis: AuditBasis }> {
    const kind = actorKind(actor);
    let standing: Standing | null = null;
    let basis: AuditBasis | null = null;
    if (kind === 'client' && actor.userId === clientId) [standing, basis] = ['self', 'self'];
    else if (kind === 'professional') {
      basis = await this.caseload.basis(actor.userId, clientId, undefined, actor.tenantId);
      if (basis) standing = 'care_team';
    }
    if (standing && basis && allowed.includes(standing)) return { standing, basis };
    const administers =
      (kind === 'org_admin' || kind === 'staff') && (await this.inOrganisation(actor.tenantId, clientId));
    const refusal = administers
      ? forbidden("Organisation administrators do not see or change clients' work.")
      : standing
        ? forbidden(standing === 'self' ? 'Only the care team does this.' : 'Only the client does this.')
        : notFound();
    await this.refuse(actor, clientId, audit, refusal);
    throw refusal;
  }

  /** An assignment the actor may act on, with their standing; 404 for anyone who may not know it exists. */
  async assignment(
    actor: Actor,
    assignmentId: string,
    allowed: readonly Standing[],
    action: AuditAction,
  ): Promise<{ assignment: AssignmentRow; standing: Standing; basis: AuditBasis }> {
    const assignment = await this.assignments.find(assignmentId);
    if (!assignment || assignment.tenant_id !== actor.tenantId) {
      await this.audit.refused({
        actor,
        action,
        resource: 'content.assignment',
        resourceId: assignmentId,
        subjectId: null,
        reason: 'not_found',
      });
      throw notFound();
    }
    const access = await this.standing(actor, assignment.client_id, allowed, {
      action,
      resource: 'content.assignment',
      resourceId: assignmentId,
    });
    return { assignment, ...access };
  }

  /** The client belongs to the organisation: caseload knows them there, or content holds their work there. */
  private async inOrganisation(tenantId: string, clientId: string): Promise<boolean> {
    return (
      (await this.caseload.knowsClient(clientId, tenantId)) ||
      (await this.assignments.hasClientIn(tenantId, clientId))
    );
  }

  private async refuse(
    actor: Actor,
    clientId: string,
    audit: { action: AuditAction; resource: ContentResource; resourceId: string | null },
    refusal: ContentException,
  ): Promise<void> {
    await this.audit.refused({
      actor,
      action: audit.action,
      resource: audit.resource,
      resourceId: audit.resourceId,
      subjectId: clientId,
      reason: refusal.status === 404 ? 'not_found' : 'forbidden',
    });
  }
}
