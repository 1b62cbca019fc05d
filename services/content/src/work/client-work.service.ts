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
import { ContentErrorCode, ContentException, notFound } from '../common/content.exception';
import {
  isAnswerBlock,
  type DiaryDefinition,
  type ModuleDefinition,
  type QuestionnaireDefinition,
} from '../library/content-definition';
import { LibraryRepository } from '../library/library.repository';
import { LibraryService } from '../library/library.service';
import { AssignmentsRepository, type AssignmentRow } from '../assignments/assignments.repository';
import { nextDueAt } from '../assignments/assignments.service';
import { ClientAccess } from '../assignments/client-access.service';
import { tailoredSessions } from '../assignments/tailoring';
import { checkBlockAnswer, checkDiaryEntry } from '../scoring/answer-validation';
import { scoreQuestionnaire, validateQuestionnaireAnswers } from '../scoring/questionnaire-scoring';
import { WorkRepository } from './work.repository';
import { assignmentWrite } from './assignment-write';
import { sealedField } from '../common/sealed-fields';
import type { DiaryEntryDto, PageAnswersDto, ResponseDto } from './dto/work.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** A diary entry may be dated a little ahead (clock differences), never later. */
const FUTURE_LEEWAY_MS = 5 * 60 * 1000;

/**
 * What clients do with their tools: page-by-page module work (saved as they go, resumable anywhere),
 * diary entries, questionnaire responses scored here. Free text is sealed with the client's data key
 * before it is stored; every write is audited.
 */
@Injectable()
export class ClientWorkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly work: WorkRepository,
    private readonly library: LibraryRepository,
    private readonly libraryService: LibraryService,
    private readonly assignmentRows: AssignmentsRepository,
    private readonly access: ClientAccess,
    private readonly cipher: SubjectDataCipher,
    private readonly outbox: OutboxService,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

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
      await this.audit.succeeded(manager, assignmentWrite(actor, assignment, basis));
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
      await this.audit.succeeded(manager, assignmentWrite(actor, assignment, basis));
      return {
        id,
        submittedAt: iso(submittedAt),
        nextDueAt: nextDueAt(assignment, submittedAt),
        ...(showScore ? { score: { total: score.total, subscales: score.subscales, band: score.band } } : {}),
      };
    });
  }
}
