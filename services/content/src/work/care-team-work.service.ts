import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@therapy-room/auth';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { AuditedAccess, ValidationException } from '@therapy-room/platform';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { actorKind } from '@therapy-room/auth';
import { forbidden, notFound } from '../common/content.exception';
import type { ModuleDefinition } from '../library/content-definition';
import { LibraryRepository } from '../library/library.repository';
import { ClientAccess } from '../assignments/client-access.service';
import { tailoredSessions } from '../assignments/tailoring';
import { WorkRepository } from './work.repository';
import { assignmentWrite } from './assignment-write';
import { sealedField } from '../common/sealed-fields';
import type { FeedbackDto } from './dto/work.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * What the care team does with a client's work: feedback on a supported module's sessions, and the
 * flags questionnaire responses raise (listed across the caseload, acknowledged). Audited, each with
 * the basis of the professional's access to the client.
 */
@Injectable()
export class CareTeamWorkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly work: WorkRepository,
    private readonly library: LibraryRepository,
    private readonly access: ClientAccess,
    private readonly caseload: CaseloadAccess,
    private readonly cipher: SubjectDataCipher,
    private readonly audit: AuditedAccess,
  ) {}

  /** The care team's feedback on a session's exercises (modules offered with support only). */
  async giveFeedback(actor: Actor, assignmentId: string, dto: FeedbackDto) {
    const { assignment, basis } = await this.access.assignment(
      actor,
      assignmentId,
      ['care_team'],
      'content.write',
    );
    if (assignment.kind !== 'module' || !assignment.supported) {
      throw new ValidationException([
        { path: '(root)', message: 'feedback is given on modules offered with support only' },
      ]);
    }
    const revision = (await this.library.revisionById(assignment.revision_id))!;
    if (
      !tailoredSessions(revision.definition as ModuleDefinition, assignment.sessions).some(
        (s) => s.key === dto.sessionKey,
      )
    ) {
      throw new ValidationException([{ path: 'sessionKey', message: 'is not a session of this assignment' }]);
    }
    const id = uuidv7();
    return this.dataSource.transaction(async (manager) => {
      const sealed = await this.cipher.encrypt(
        manager,
        { tenantId: assignment.tenant_id, subjectId: assignment.client_id },
        sealedField.feedback(id),
        dto.text,
      );
      const createdAt = await this.work.insertFeedback(manager, {
        id,
        assignmentId: assignment.id,
        clientId: assignment.client_id,
        sessionKey: dto.sessionKey,
        authorId: actor.userId,
        sealed,
      });
      await this.audit.succeeded(manager, assignmentWrite(actor, assignment, basis));
      return { id, createdAt: iso(createdAt) };
    });
  }

  /** A professional's open flags, across the clients of their caseload (each read audited per client). */
  async openFlags(actor: Actor) {
    if (actorKind(actor) !== 'professional') throw forbidden('Only professionals have flags to follow up.');
    const bases = await this.caseload.clientBasesOf(actor.userId, undefined, actor.tenantId);
    const flags = await this.work.openFlags(actor.tenantId, [...bases.keys()]);
    if (flags.length) {
      await this.dataSource.transaction((manager) =>
        this.audit.succeededMany(
          manager,
          flags.map((f) => ({
            actor,
            action: 'content.read',
            resource: 'content.flag',
            resourceId: f.id,
            subjectId: f.client_id,
            tenantId: f.tenant_id,
            // Flags are read only of clients the professional has a grant for: its basis.
            basis: bases.get(f.client_id)!,
          })),
        ),
      );
    }
    return {
      items: flags.map((f) => ({
        id: f.id,
        clientId: f.client_id,
        assignmentId: f.assignment_id,
        responseId: f.response_id,
        code: f.code,
        raisedAt: iso(f.raised_at),
      })),
    };
  }

  async acknowledgeFlag(actor: Actor, flagId: string): Promise<void> {
    const flag = await this.work.findFlag(flagId);
    if (!flag || flag.tenant_id !== actor.tenantId) throw notFound();
    const { basis } = await this.access.standing(actor, flag.client_id, ['care_team'], {
      action: 'content.flag_acknowledge',
      resource: 'content.flag',
      resourceId: flagId,
    });
    await this.dataSource.transaction(async (manager) => {
      await this.work.acknowledgeFlag(manager, flag.id, actor.userId);
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.flag_acknowledge',
        resource: 'content.flag',
        resourceId: flag.id,
        subjectId: flag.client_id,
        tenantId: flag.tenant_id,
        basis,
      });
    });
  }
}
