import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@therapy-room/auth';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { AuditedAccess } from '@therapy-room/platform';
import { notFound } from '../common/content.exception';
import {
  type DiaryDefinition,
  type ModuleDefinition,
  type QuestionnaireDefinition,
} from '../library/content-definition';
import { LibraryRepository, type RevisionRow } from '../library/library.repository';
import { LibraryService } from '../library/library.service';
import { type AssignmentRow } from '../assignments/assignments.repository';
import { AssignmentsService, nextDueAt } from '../assignments/assignments.service';
import { ClientAccess } from '../assignments/client-access.service';
import { tailoredSessions } from '../assignments/tailoring';
import { WorkRepository } from './work.repository';
import { sealedField } from '../common/sealed-fields';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * What the client and their care team read of the client's work on one assignment: the content as
 * tailored, module answers, diary entries, questionnaire responses and feedback (sealed free text
 * opened for the reader). Every read is audited with the basis the access check gave.
 */
@Injectable()
export class WorkReadingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly work: WorkRepository,
    private readonly library: LibraryRepository,
    private readonly libraryService: LibraryService,
    private readonly assignments: AssignmentsService,
    private readonly access: ClientAccess,
    private readonly cipher: SubjectDataCipher,
    private readonly audit: AuditedAccess,
  ) {}

  /** One assignment with its content (as tailored) and the client's work on it. */
  async get(actor: Actor, assignmentId: string) {
    const { assignment, standing, basis } = await this.access.assignment(
      actor,
      assignmentId,
      ['self', 'care_team'],
      'content.read',
    );
    if (standing === 'self' && assignment.status === 'withdrawn') throw notFound();
    const revision = (await this.library.revisionById(assignment.revision_id))!;
    const latest = (await this.library.latestRevisions([assignment.tool_id])).get(assignment.tool_id) ?? null;
    const summary = this.assignments.view(
      { ...assignment, completed_sessions: 0, entries: 0, responses: 0, last_response_at: null },
      revision,
      latest,
    );
    const { progress: _progress, ...base } = summary;
    const clientId = assignment.client_id;
    let body: Record<string, unknown>;
    if (assignment.kind === 'module') body = await this.moduleWork(assignment, revision, clientId);
    else if (assignment.kind === 'diary') body = await this.diaryWork(assignment, revision, clientId);
    else body = await this.questionnaireWork(assignment, revision, standing === 'care_team');
    await this.dataSource.transaction((manager) =>
      this.audit.succeeded(manager, {
        actor,
        action: 'content.read',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: clientId,
        tenantId: assignment.tenant_id,
        basis,
      }),
    );
    return { ...base, ...body };
  }

  private async moduleWork(assignment: AssignmentRow, revision: RevisionRow, clientId: string) {
    const module = revision.definition as ModuleDefinition;
    const sessions = tailoredSessions(module, assignment.sessions);
    const answers = await this.work.answers(assignment.id);
    const opened = await Promise.all(
      answers.map(async (a) => ({
        sessionKey: a.session_key,
        pageKey: a.page_key,
        blockKey: a.block_key,
        value: a.sealed_text
          ? await this.cipher.decrypt(
              clientId,
              sealedField.answer(assignment.id, a.session_key, a.page_key, a.block_key),
              a.sealed_text,
            )
          : a.value,
        updatedAt: iso(a.updated_at),
      })),
    );
    const pages = await this.work.completedPages(assignment.id);
    const done = await this.work.completedSessions(assignment.id);
    const feedback = await this.work.feedback(assignment.id);
    return {
      content: { ...module, sessions },
      steps: this.assignments.steps(assignment, revision),
      position: assignment.position_session
        ? { sessionKey: assignment.position_session, pageKey: assignment.position_page }
        : sessions.length
          ? { sessionKey: sessions[0].key, pageKey: sessions[0].pages[0].key }
          : null,
      answers: opened,
      completedPages: pages.map((p) => ({
        sessionKey: p.session_key,
        pageKey: p.page_key,
        completedAt: iso(p.completed_at),
      })),
      completedSessions: done.map((s) => ({ sessionKey: s.session_key, completedAt: iso(s.completed_at) })),
      progress: {
        completedSessions: done.filter((d) => sessions.some((s) => s.key === d.session_key)).length,
        totalSessions: sessions.length,
      },
      feedback: await Promise.all(
        feedback.map(async (f) => ({
          id: f.id,
          sessionKey: f.session_key,
          authorId: f.author_id,
          text: await this.cipher.decrypt(clientId, sealedField.feedback(f.id), f.sealed_text),
          createdAt: iso(f.created_at),
        })),
      ),
    };
  }

  private async diaryWork(assignment: AssignmentRow, revision: RevisionRow, clientId: string) {
    const entries = await this.work.diaryEntries(assignment.id);
    return {
      content: revision.definition as DiaryDefinition,
      entries: await Promise.all(
        entries.map(async (e) => ({
          id: e.id,
          recordedAt: iso(e.recorded_at),
          values: {
            ...e.value,
            ...(e.sealed_text
              ? (JSON.parse(
                  await this.cipher.decrypt(clientId, sealedField.diaryEntry(e.id), e.sealed_text),
                ) as Record<string, string>)
              : {}),
          },
        })),
      ),
    };
  }

  private async questionnaireWork(assignment: AssignmentRow, revision: RevisionRow, careTeam: boolean) {
    const q = revision.definition as QuestionnaireDefinition;
    const responses = await this.work.responses(assignment.id);
    const showScores =
      careTeam ||
      (await this.libraryService.effectiveClientFeedback(assignment.tenant_id, assignment.tool_id, q)) ===
        'score_and_band';
    const flags = careTeam ? await this.work.flagsOfAssignment(assignment.id) : [];
    return {
      content: q,
      nextDueAt:
        assignment.status === 'active' ? nextDueAt(assignment, responses[0]?.submitted_at ?? null) : null,
      responses: responses.map((r) => ({
        id: r.id,
        submittedAt: iso(r.submitted_at),
        answers: r.answers,
        ...(showScores ? { score: { total: Number(r.total), subscales: r.subscales, band: r.band } } : {}),
        ...(careTeam ? { flags: r.flags } : {}),
      })),
      ...(careTeam
        ? {
            flags: flags.map((f) => ({
              id: f.id,
              code: f.code,
              responseId: f.response_id,
              raisedAt: iso(f.raised_at),
              acknowledgedAt: iso(f.acknowledged_at),
            })),
          }
        : {}),
    };
  }
}
