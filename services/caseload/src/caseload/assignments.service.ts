import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedAccess, Clock, ValidationException } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import type { AuditBasis } from '@therapy-room/contracts';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { CaseloadErrorCode, CaseloadException, notFound } from '../common/caseload.exception';
import { CaseloadSettingsRepository } from '../settings/caseload-settings.repository';
import { CaseloadAuthority } from './caseload-authority.service';
import { CaseloadRepository } from './caseload.repository';
import { GrantEvents } from './grant-events';
import { decideAssignment } from './policies/assignment-policy';
import type { CreateAssignmentDto, MoveClientDto } from './dto/caseload.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Who is in whose caseload: adding a client (org admins; professionals for shared care, or taking a
 * client nobody has where the organisation allows it), taking a client off a caseload and moving a
 * client (org admins). A professional who leaves a client's caseload takes the colleague links they
 * granted for that client with them. Every change publishes its grant or revocation through the
 * outbox in the same transaction, and is audited.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly caseload: CaseloadRepository,
    private readonly people: PeopleDirectory,
    private readonly settings: CaseloadSettingsRepository,
    private readonly authority: CaseloadAuthority,
    private readonly grants: GrantEvents,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

  async assign(actor: Actor, dto: CreateAssignmentDto) {
    const kind = actorKind(actor);
    if (kind !== 'org_admin' && kind !== 'professional') {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        'Only professionals and organisation administrators add clients to a caseload.',
      );
    }
    const professional = await this.people.find(actor.tenantId, dto.professionalId);
    this.authority.assertProfessional(professional, 'professionalId');
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.caseload.lockClient(manager, actor.tenantId, dto.clientId))) {
        throw await this.authority.refuse(actor, 'caseload.assign', dto.clientId, false);
      }
      const now = this.clock.now();
      const decision =
        kind === 'org_admin'
          ? 'assign'
          : decideAssignment({
              actorKind: kind,
              actorId: actor.userId,
              professionalId: dto.professionalId,
              actorAssigned: Boolean(
                await this.caseload.findActiveAssignment(manager, dto.clientId, actor.userId),
              ),
              clientTaken: await this.caseload.hasActiveAssignment(manager, dto.clientId),
              professionalsMayTakeUnassigned: (await this.settings.of(actor.tenantId, manager))
                .professionalsMayTakeUnassignedClients,
            });
      if (decision === 'refused') {
        // Someone else's client, or one the organisation does not let professionals take: as if it
        // did not exist (403 for a linked colleague, who knows the client).
        const linked = (await this.caseload.relation(actor.tenantId, dto.clientId, actor.userId, now)).linked;
        throw await this.authority.refuse(actor, 'caseload.assign', dto.clientId, true, linked);
      }
      if (await this.caseload.findActiveAssignment(manager, dto.clientId, dto.professionalId)) {
        throw new CaseloadException(
          CaseloadErrorCode.AlreadyAssigned,
          "The client is already in this professional's caseload.",
        );
      }
      const assignment = await this.caseload.insertAssignment(manager, {
        tenantId: actor.tenantId,
        clientId: dto.clientId,
        professionalId: dto.professionalId,
        assignedBy: actor.userId,
        at: now,
      });
      await this.grants.granted(
        manager,
        actor.tenantId,
        'assignment',
        assignment.id,
        dto.professionalId,
        dto.clientId,
      );
      const action = decision === 'self_assign' ? 'caseload.self_assign' : 'caseload.assign';
      await this.audit.succeeded(manager, {
        actor,
        action: action,
        resource: 'caseload.assignment',
        resourceId: assignment.id,
        subjectId: dto.clientId,
        // Creating an assignment is the organisation's (an admin) or the assigned professional's own act.
        basis: kind === 'org_admin' ? 'organisation_admin' : 'caseload_assignment',
      });
      return {
        id: assignment.id,
        clientId: assignment.clientId,
        professionalId: assignment.professionalId,
        assignedAt: iso(assignment.assignedAt),
      };
    });
  }

  /**
   * Takes a client off a professional's caseload (org admins); the assignment stays in the history,
   * and the colleague links that professional granted for the client end with it.
   */
  async unassign(actor: Actor, assignmentId: string): Promise<void> {
    const assignment = await this.caseload.findAssignment(
      this.dataSource.manager,
      actor.tenantId,
      assignmentId,
    );
    if (!assignment || assignment.endedAt || !assignment.professionalId) {
      throw await this.authority.refuse(
        actor,
        'caseload.unassign',
        assignment?.clientId ?? null,
        Boolean(assignment),
      );
    }
    const professionalId = assignment.professionalId;
    const { basis } = await this.authority.authorise(actor, assignment.clientId, 'unassign');
    await this.dataSource.transaction(async (manager) => {
      await this.caseload.lockClient(manager, actor.tenantId, assignment.clientId);
      const current = await this.caseload.findAssignment(manager, actor.tenantId, assignmentId);
      if (!current || current.endedAt) throw notFound();
      const now = this.clock.now();
      await this.caseload.endAssignment(manager, assignment.id, actor.userId, 'removed', now);
      await this.grants.revoked(
        manager,
        actor.tenantId,
        'assignment',
        assignment.id,
        professionalId,
        assignment.clientId,
        'removed',
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'caseload.unassign',
        resource: 'caseload.assignment',
        resourceId: assignment.id,
        subjectId: assignment.clientId,
        basis,
      });
      await this.endLinksGrantedBy(manager, actor, assignment.clientId, professionalId, 'removed', basis);
    });
  }

  /** Moves a client from one professional to another (org admins), keeping the history. */
  async move(actor: Actor, clientId: string, dto: MoveClientDto) {
    const { basis } = await this.authority.authorise(actor, clientId, 'move');
    const to = await this.people.find(actor.tenantId, dto.toProfessionalId);
    this.authority.assertProfessional(to, 'toProfessionalId');
    return this.dataSource.transaction(async (manager) => {
      await this.caseload.lockClient(manager, actor.tenantId, clientId);
      const from = await this.caseload.findActiveAssignment(manager, clientId, dto.fromProfessionalId);
      if (!from) {
        throw new ValidationException([
          { path: 'fromProfessionalId', message: 'does not have this client in their caseload' },
        ]);
      }
      const now = this.clock.now();
      await this.caseload.endAssignment(manager, from.id, actor.userId, 'moved', now);
      await this.grants.revoked(
        manager,
        actor.tenantId,
        'assignment',
        from.id,
        dto.fromProfessionalId,
        clientId,
        'moved',
      );
      await this.endLinksGrantedBy(manager, actor, clientId, dto.fromProfessionalId, 'moved', basis);
      const existing = await this.caseload.findActiveAssignment(manager, clientId, dto.toProfessionalId);
      const assignment =
        existing ??
        (await this.caseload.insertAssignment(manager, {
          tenantId: actor.tenantId,
          clientId,
          professionalId: dto.toProfessionalId,
          assignedBy: actor.userId,
          at: now,
        }));
      if (!existing) {
        await this.grants.granted(
          manager,
          actor.tenantId,
          'assignment',
          assignment.id,
          dto.toProfessionalId,
          clientId,
        );
      }
      await this.audit.succeeded(manager, {
        actor,
        action: 'caseload.move',
        resource: 'caseload.assignment',
        resourceId: assignment.id,
        subjectId: clientId,
        basis,
      });
      return { assignmentId: assignment.id, endedAssignmentId: from.id };
    });
  }

  /**
   * A professional leaving a client's caseload ends the colleague links they granted for that client
   * (in force or still to come): otherwise a colleague they linked, or they themselves through a
   * colleague, keep a way back in. Each end is a revocation event and an audited unlink by the actor.
   */
  private async endLinksGrantedBy(
    manager: EntityManager,
    actor: Actor,
    clientId: string,
    professionalId: string,
    reason: 'removed' | 'moved',
    basis: AuditBasis,
  ): Promise<void> {
    const now = this.clock.now();
    for (const link of await this.caseload.openLinksGrantedBy(manager, clientId, professionalId, now)) {
      if (!link.professionalId) continue; // only revoked links lose their professional
      await this.caseload.revokeLink(manager, link.id, actor.userId, now);
      await this.grants.revoked(
        manager,
        actor.tenantId,
        'link',
        link.id,
        link.professionalId,
        clientId,
        reason,
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'caseload.unlink',
        resource: 'caseload.link',
        resourceId: link.id,
        subjectId: clientId,
        basis,
      });
    }
  }
}
