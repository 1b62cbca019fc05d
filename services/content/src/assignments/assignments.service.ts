import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@therapy-room/auth';
import { contentAssignmentCreatedV1, contentAssignmentWithdrawnV1 } from '@therapy-room/contracts';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { AuditedAccess, OutboxService, ValidationException, type FieldError } from '@therapy-room/platform';
import { actorKind } from '@therapy-room/auth';
import { forbidden } from '../common/content.exception';
import type { ModuleDefinition } from '../library/content-definition';
import { LibraryRepository, type RevisionRow } from '../library/library.repository';
import {
  AssignmentsRepository,
  type AssignmentRow,
  type AssignmentSummaryRow,
} from './assignments.repository';
import { ClientAccess } from './client-access.service';
import type { CreateAssignmentDto, ReviseAssignmentDto } from './dto/assignments.dto';
import { checkSessionChoice, choiceOf, flattenChoice, stepsOf, tailoredSessions } from './tailoring';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const DAY_MS = 24 * 60 * 60 * 1000;

/** When a repeated questionnaire is due next (null: once, and answered). */
export function nextDueAt(
  a: Pick<AssignmentRow, 'kind' | 'every_days' | 'created_at'>,
  lastResponseAt: Date | null,
) {
  if (a.kind !== 'questionnaire') return null;
  if (!lastResponseAt) return iso(a.created_at);
  return a.every_days ? iso(new Date(new Date(lastResponseAt).getTime() + a.every_days * DAY_MS)) : null;
}

/**
 * Offering tools to clients and tailoring them (professionals, for clients in their caseload only):
 * assign, move to another revision, withdraw. Each change is audited and published through the
 * outbox in its transaction; refusals are audited too.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assignments: AssignmentsRepository,
    private readonly library: LibraryRepository,
    private readonly caseload: CaseloadAccess,
    private readonly access: ClientAccess,
    private readonly outbox: OutboxService,
    private readonly audit: AuditedAccess,
  ) {}

  async assign(actor: Actor, dto: CreateAssignmentDto) {
    if (actorKind(actor) !== 'professional') throw forbidden('Only professionals offer tools to clients.');
    const refuse = async (errors: FieldError[], reason: string) => {
      await this.audit.refused({
        actor,
        action: 'content.assign',
        resource: 'content.assignment',
        resourceId: null,
        subjectId: dto.clientId,
        reason,
      });
      return new ValidationException(errors);
    };
    // Unknown, another organisation's, or someone else's client: one answer for all, nothing stored.
    const basis = await this.caseload.basis(actor.userId, dto.clientId, undefined, actor.tenantId);
    if (!basis) {
      throw await refuse(
        [{ path: 'clientId', message: 'is not a client in your caseload' }],
        'not_in_caseload',
      );
    }
    const tool = await this.library.findVisible(actor.tenantId, dto.toolId);
    if (!tool)
      throw await refuse([{ path: 'toolId', message: 'is not a tool in the library' }], 'unknown_tool');
    const revision = dto.revisionId
      ? await this.library.revisionById(dto.revisionId)
      : await this.library.revision(tool.id);
    if (!revision || revision.tool_id !== tool.id) {
      throw await refuse(
        [{ path: 'revisionId', message: 'is not a revision of this tool' }],
        'unknown_revision',
      );
    }
    const errors = this.checkTailoring(tool.kind, revision, dto);
    if (errors.length) throw await refuse(errors, 'invalid_tailoring');

    return this.dataSource.transaction(async (manager) => {
      if (await this.assignments.isErased(manager, dto.clientId)) {
        throw new ValidationException([{ path: 'clientId', message: 'is not a client in your caseload' }]);
      }
      const activeToolIds = (await this.assignments.activeToolIds(manager, dto.clientId)).filter(
        (t) => t !== tool.id,
      );
      const choice =
        tool.kind === 'module' && dto.sessions
          ? flattenChoice(dto.sessions)
          : { sessions: null, stepSizes: null };
      const everyDays = dto.schedule?.type === 'repeat' ? dto.schedule.everyDays : null;
      const assignment = await this.assignments.insert(manager, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        clientId: dto.clientId,
        professionalId: actor.userId,
        toolId: tool.id,
        revisionId: revision.id,
        kind: tool.kind,
        sessions: choice.sessions,
        stepSizes: choice.stepSizes,
        supported: tool.kind === 'module' ? (dto.supported ?? false) : false,
        everyDays,
      });
      const sessionCount =
        tool.kind === 'module'
          ? tailoredSessions(revision.definition as ModuleDefinition, choice.sessions).length
          : null;
      await this.outbox.add(
        manager,
        contentAssignmentCreatedV1,
        {
          assignmentId: assignment.id,
          toolId: tool.id,
          revisionId: revision.id,
          kind: tool.kind,
          clientId: dto.clientId,
          professionalId: actor.userId,
          supported: assignment.supported,
          sessionCount,
          everyDays,
          activeToolIds,
        },
        { tenantId: actor.tenantId, subjectId: dto.clientId },
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.assign',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: dto.clientId,
        basis,
      });
      return this.view(
        { ...assignment, completed_sessions: 0, entries: 0, responses: 0, last_response_at: null },
        revision,
        revision.revision,
      );
    });
  }

  /** A client's tools (the client: active ones; their care team: all, withdrawn included). */
  async list(actor: Actor, clientId: string, onlyActive: boolean) {
    const { standing, basis } = await this.access.standing(actor, clientId, ['self', 'care_team'], {
      action: 'content.read',
      resource: 'content.assignment',
      resourceId: null,
    });
    const rows = await this.assignments.listForClient(
      actor.tenantId,
      clientId,
      standing === 'self' || onlyActive ? 'active' : undefined,
    );
    const revisions = await this.library.revisionsByIds([...new Set(rows.map((r) => r.revision_id))]);
    const latest = await this.library.latestRevisions([...new Set(rows.map((r) => r.tool_id))]);
    if (rows.length) {
      await this.dataSource.transaction((manager) =>
        this.audit.succeededMany(
          manager,
          rows.map((r) => ({
            actor,
            action: 'content.read',
            resource: 'content.assignment',
            resourceId: r.id,
            subjectId: clientId,
            basis,
          })),
        ),
      );
    }
    return {
      items: rows.map((r) => this.view(r, revisions.get(r.revision_id)!, latest.get(r.tool_id) ?? null)),
    };
  }

  async withdraw(actor: Actor, assignmentId: string): Promise<void> {
    const { assignment, basis } = await this.access.assignment(
      actor,
      assignmentId,
      ['care_team'],
      'content.withdraw',
    );
    if (assignment.status === 'withdrawn') return;
    await this.dataSource.transaction(async (manager) => {
      await this.assignments.withdraw(manager, assignment.id, actor.userId);
      await this.outbox.add(
        manager,
        contentAssignmentWithdrawnV1,
        {
          assignmentId: assignment.id,
          toolId: assignment.tool_id,
          clientId: assignment.client_id,
          professionalId: actor.userId,
        },
        { tenantId: assignment.tenant_id, subjectId: assignment.client_id },
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.withdraw',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: assignment.client_id,
        tenantId: assignment.tenant_id,
        basis,
      });
    });
  }

  /** Moves a client to another (by default the latest) revision; their answers stay, by key. */
  async revise(actor: Actor, assignmentId: string, dto: ReviseAssignmentDto) {
    const { assignment, basis } = await this.access.assignment(
      actor,
      assignmentId,
      ['care_team'],
      'content.revise',
    );
    const revision = dto.revisionId
      ? await this.library.revisionById(dto.revisionId)
      : await this.library.revision(assignment.tool_id);
    if (!revision || revision.tool_id !== assignment.tool_id) {
      throw new ValidationException([{ path: 'revisionId', message: 'is not a revision of this tool' }]);
    }
    const wanted =
      assignment.kind === 'module'
        ? (dto.sessions ?? choiceOf(assignment.sessions, assignment.step_sizes))
        : null;
    const errors = this.checkTailoring(assignment.kind, revision, { sessions: wanted ?? undefined });
    if (errors.length) throw new ValidationException(errors);
    return this.dataSource.transaction(async (manager) => {
      await this.assignments.revise(
        manager,
        assignment.id,
        revision.id,
        wanted ? flattenChoice(wanted) : { sessions: null, stepSizes: null },
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.revise',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: assignment.client_id,
        tenantId: assignment.tenant_id,
        basis,
      });
      const updated = (await this.assignments.find(assignment.id, manager))!;
      return {
        id: updated.id,
        revision: revision.revision,
        revisionId: revision.id,
        sessions: updated.sessions,
        steps: updated.kind === 'module' ? this.steps(updated, revision) : null,
      };
    });
  }

  /** Tailoring that fits the tool's kind and revision; errors name the field. */
  private checkTailoring(
    kind: AssignmentRow['kind'],
    revision: RevisionRow,
    dto: Pick<CreateAssignmentDto, 'sessions' | 'supported' | 'schedule'>,
  ): FieldError[] {
    const errors: FieldError[] = [];
    if (kind === 'module') {
      errors.push(...checkSessionChoice(revision.definition as ModuleDefinition, dto.sessions));
    } else {
      if (dto.sessions)
        errors.push({ path: 'sessions', message: `a ${kind} has no sessions; only modules do` });
      if (dto.supported !== undefined)
        errors.push({ path: 'supported', message: 'only modules are offered with or without support' });
    }
    if (dto.schedule && kind !== 'questionnaire')
      errors.push({ path: 'schedule', message: 'only questionnaires are scheduled' });
    return errors;
  }

  /** The session keys of each step, as tailored (every session its own step unless combined). */
  steps(r: Pick<AssignmentRow, 'sessions' | 'step_sizes'>, revision: RevisionRow): string[][] {
    const sessions = tailoredSessions(revision.definition as ModuleDefinition, r.sessions).map((s) => s.key);
    return r.sessions ? stepsOf(r.sessions, r.step_sizes) : sessions.map((k) => [k]);
  }

  view(r: AssignmentSummaryRow, revision: RevisionRow, latestRevision: number | null) {
    const definition = revision.definition;
    const totalSessions =
      r.kind === 'module' ? tailoredSessions(definition as ModuleDefinition, r.sessions).length : null;
    return {
      id: r.id,
      clientId: r.client_id,
      professionalId: r.professional_id,
      toolId: r.tool_id,
      kind: r.kind,
      title: revision.title,
      revision: revision.revision,
      revisionId: revision.id,
      latestRevision,
      status: r.status,
      supported: r.supported,
      sessions:
        r.kind === 'module'
          ? tailoredSessions(definition as ModuleDefinition, r.sessions).map((s) => s.key)
          : null,
      /** Modules: the steps the client works through (combined sessions share one). */
      steps: r.kind === 'module' ? this.steps(r, revision) : null,
      schedule:
        r.kind === 'questionnaire'
          ? r.every_days
            ? { type: 'repeat', everyDays: r.every_days }
            : { type: 'once' }
          : null,
      progress:
        r.kind === 'module'
          ? { completedSessions: Number(r.completed_sessions), totalSessions }
          : r.kind === 'diary'
            ? { entries: Number(r.entries) }
            : { responses: Number(r.responses), nextDueAt: nextDueAt(r, r.last_response_at) },
      createdAt: iso(r.created_at),
      withdrawnAt: iso(r.withdrawn_at),
    };
  }
}
