import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@therapy-room/auth';
import { contentQuestionnaireScoredV2, contentSessionCompletedV1 } from '@therapy-room/contracts';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import {
  AuditedAccess,
  Clock,
  OutboxService,
  ValidationException,
  type FieldError,
} from '@therapy-room/platform';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { actorKind } from '@therapy-room/auth';
import { ContentErrorCode, ContentException, forbidden, notFound } from '../common/content.exception';
import {
  isAnswerBlock,
  type DiaryDefinition,
  type ModuleDefinition,
  type QuestionnaireDefinition,
} from '../library/content-definition';
import { LibraryRepository, type RevisionRow } from '../library/library.repository';
import { LibraryService } from '../library/library.service';
import { AssignmentsRepository, type AssignmentRow } from '../assignments/assignments.repository';
import { AssignmentsService, nextDueAt } from '../assignments/assignments.service';
import { ClientAccess } from '../assignments/client-access.service';
import { tailoredSessions } from '../assignments/tailoring';
import { checkBlockAnswer, checkDiaryEntry } from '../scoring/answer-validation';
import { scoreQuestionnaire, validateQuestionnaireAnswers } from '../scoring/questionnaire-scoring';
import { WorkRepository } from './work.repository';
import { sealedField } from '../common/sealed-fields';
import type { DiaryEntryDto, FeedbackDto, PageAnswersDto, ResponseDto } from './dto/work.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** A diary entry may be dated a little ahead (clock differences), never later. */
const FUTURE_LEEWAY_MS = 5 * 60 * 1000;

/**
 * What clients do with their tools and what their care team reads of it: page-by-page module work
 * (saved as they go, resumable anywhere), diary entries, questionnaire responses scored here, flags
 * and feedback. Free text is sealed with the client's data key before it is stored; every read is
 * audited.
 */
@Injectable()
export class WorkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly work: WorkRepository,
    private readonly library: LibraryRepository,
    private readonly libraryService: LibraryService,
    private readonly assignments: AssignmentsService,
    private readonly assignmentRows: AssignmentsRepository,
    private readonly access: ClientAccess,
    private readonly caseload: CaseloadAccess,
    private readonly cipher: SubjectDataCipher,
    private readonly outbox: OutboxService,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
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

  /** The client's own, active assignment of this kind (work is the client's to do). */
  private async ownActive(actor: Actor, assignmentId: string, kind: AssignmentRow['kind']) {
    const { assignment, basis } = await this.access.assignment(
      actor,
      assignmentId,
      ['self'],
      'content.write',
    );
    if (assignment.status === 'withdrawn') {
      throw new ContentException(ContentErrorCode.Withdrawn, 'This tool was withdrawn by your professional.');
    }
    if (assignment.kind !== kind) {
      throw new ValidationException([
        { path: '(root)', message: `this assignment is a ${assignment.kind}, not a ${kind}` },
      ]);
    }
    const revision = (await this.library.revisionById(assignment.revision_id))!;
    return { assignment, revision, basis };
  }

  /** Saves a page's answers (as the client goes) and, with `completed`, marks the page done. */
  async savePage(
    actor: Actor,
    assignmentId: string,
    sessionKey: string,
    pageKey: string,
    dto: PageAnswersDto,
  ) {
    const { assignment, revision, basis } = await this.ownActive(actor, assignmentId, 'module');
    const sessions = tailoredSessions(revision.definition as ModuleDefinition, assignment.sessions);
    const session = sessions.find((s) => s.key === sessionKey);
    const page = session?.pages.find((p) => p.key === pageKey);
    if (!session || !page) throw notFound();
    const blocks = new Map(page.blocks.filter(isAnswerBlock).map((b) => [b.key, b]));
    const errors: FieldError[] = [];
    const checked: { key: string; value: unknown; text: string | null }[] = [];
    for (const [key, value] of Object.entries(dto.answers)) {
      const block = blocks.get(key);
      if (!block) {
        errors.push({ path: `answers.${key}`, message: 'is not an exercise or reflection on this page' });
        continue;
      }
      const result = checkBlockAnswer(block, value, `answers.${key}`);
      if ('path' in result) errors.push(result);
      else
        checked.push({
          key,
          value: 'value' in result ? result.value : null,
          text: 'text' in result ? result.text : null,
        });
    }
    if (errors.length) throw new ValidationException(errors);
    const clientId = assignment.client_id;
    return this.dataSource.transaction(async (manager) => {
      await this.assignmentRows.lock(manager, assignment.id);
      for (const a of checked) {
        await this.work.upsertAnswer(manager, {
          assignmentId: assignment.id,
          tenantId: assignment.tenant_id,
          clientId,
          sessionKey,
          pageKey,
          blockKey: a.key,
          value: a.text === null ? a.value : null,
          sealed:
            a.text === null
              ? null
              : await this.cipher.encrypt(
                  manager,
                  { tenantId: assignment.tenant_id, subjectId: clientId },
                  sealedField.answer(assignment.id, sessionKey, pageKey, a.key),
                  a.text,
                ),
        });
      }
      await this.work.setPosition(manager, assignment.id, sessionKey, pageKey);
      let sessionCompleted = false;
      if (dto.completed) {
        await this.work.completePage(manager, assignment.id, clientId, sessionKey, pageKey);
        const donePages = new Set(
          (await this.work.completedPages(assignment.id, manager))
            .filter((p) => p.session_key === sessionKey)
            .map((p) => p.page_key),
        );
        if (session.pages.every((p) => donePages.has(p.key))) {
          sessionCompleted = await this.work.completeSession(manager, assignment.id, clientId, sessionKey);
        }
      }
      const done = (await this.work.completedSessions(assignment.id, manager)).filter((d) =>
        sessions.some((s) => s.key === d.session_key),
      ).length;
      if (sessionCompleted) {
        await this.outbox.add(
          manager,
          contentSessionCompletedV1,
          {
            assignmentId: assignment.id,
            toolId: assignment.tool_id,
            revisionId: assignment.revision_id,
            clientId,
            sessionKey,
            completedSessions: done,
            totalSessions: sessions.length,
          },
          { tenantId: assignment.tenant_id, subjectId: clientId },
        );
      }
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.write',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: clientId,
        tenantId: assignment.tenant_id,
        basis,
      });
      return {
        saved: checked.length,
        sessionCompleted,
        progress: { completedSessions: done, totalSessions: sessions.length },
      };
    });
  }

  async addDiaryEntry(actor: Actor, assignmentId: string, dto: DiaryEntryDto) {
    const { assignment, revision, basis } = await this.ownActive(actor, assignmentId, 'diary');
    const diary = revision.definition as DiaryDefinition;
    const { errors, values, texts } = checkDiaryEntry(diary.fields, dto.values);
    const now = this.clock.now();
    const recordedAt = dto.recordedAt ? new Date(dto.recordedAt) : now;
    if (recordedAt.getTime() > now.getTime() + FUTURE_LEEWAY_MS)
      errors.push({ path: 'recordedAt', message: 'must not be in the future' });
    if (errors.length) throw new ValidationException(errors);
    const id = uuidv7();
    return this.dataSource.transaction(async (manager) => {
      await this.work.insertDiaryEntry(manager, {
        id,
        tenantId: assignment.tenant_id,
        clientId: assignment.client_id,
        assignmentId: assignment.id,
        recordedAt,
        values: { ...values, ...texts },
      });
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.write',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: assignment.client_id,
        tenantId: assignment.tenant_id,
        basis,
      });
      return { id, recordedAt: recordedAt.toISOString() };
    });
  }

  /** Scores a response on the server; flags go to the care team; the client sees what the tool allows. */
  async respond(actor: Actor, assignmentId: string, dto: ResponseDto) {
    const { assignment, revision, basis } = await this.ownActive(actor, assignmentId, 'questionnaire');
    const q = revision.definition as QuestionnaireDefinition;
    const errors = validateQuestionnaireAnswers(q, dto.answers);
    if (errors.length) throw new ValidationException(errors);
    const answers = dto.answers as Record<string, number>;
    const score = scoreQuestionnaire(q, answers);
    const showScore =
      (await this.libraryService.effectiveClientFeedback(assignment.tenant_id, assignment.tool_id, q)) ===
      'score_and_band';
    return this.dataSource.transaction(async (manager) => {
      await this.assignmentRows.lock(manager, assignment.id);
      const previous = await this.work.responses(assignment.id, manager);
      if (previous.length && !assignment.every_days) {
        throw new ContentException(
          ContentErrorCode.AlreadyAnswered,
          'This questionnaire was asked once and is answered.',
        );
      }
      const id = uuidv7();
      const scored = {
        answers,
        total: score.total,
        subscales: score.subscales,
        band: score.band?.code ?? null,
        flags: score.flags.map((f) => f.code),
      };
      const submittedAt = await this.work.insertResponse(manager, {
        id,
        tenantId: assignment.tenant_id,
        clientId: assignment.client_id,
        assignmentId: assignment.id,
        revisionId: revision.id,
        score: scored,
      });
      await this.work.insertFlags(manager, {
        tenantId: assignment.tenant_id,
        clientId: assignment.client_id,
        assignmentId: assignment.id,
        responseId: id,
        codes: score.flags.map((f) => f.code),
        ids: score.flags.map(() => uuidv7()),
      });
      // The score travels sealed with the client's key: erasing the key erases the Kafka copies too.
      const { answers: _answers, ...published } = scored;
      const sealedScore = await this.cipher.encrypt(
        manager,
        { tenantId: assignment.tenant_id, subjectId: assignment.client_id },
        sealedField.scoredEvent(id),
        JSON.stringify(published),
      );
      await this.outbox.add(
        manager,
        contentQuestionnaireScoredV2,
        {
          responseId: id,
          assignmentId: assignment.id,
          toolId: assignment.tool_id,
          revisionId: revision.id,
          clientId: assignment.client_id,
          sealedScore: sealedScore.toString('base64'),
        },
        { tenantId: assignment.tenant_id, subjectId: assignment.client_id },
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.write',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: assignment.client_id,
        tenantId: assignment.tenant_id,
        basis,
      });
      return {
        id,
        submittedAt: iso(submittedAt),
        nextDueAt: nextDueAt(assignment, submittedAt),
        ...(showScore ? { score: { total: score.total, subscales: score.subscales, band: score.band } } : {}),
      };
    });
  }

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
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.write',
        resource: 'content.assignment',
        resourceId: assignment.id,
        subjectId: assignment.client_id,
        tenantId: assignment.tenant_id,
        basis,
      });
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
