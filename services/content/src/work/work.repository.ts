import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sealedField } from '../common/sealed-fields';
import { SealedValues } from '../common/sealed-values';

export interface AnswerRow {
  session_key: string;
  page_key: string;
  block_key: string;
  value: unknown;
  sealed_text: Buffer | null;
  updated_at: Date;
}

export interface DiaryEntryRow {
  id: string;
  assignment_id: string;
  recorded_at: Date;
  value: Record<string, string | string[] | number>;
  sealed_text: Buffer | null;
}

export interface ResponseRow extends ResponseScore {
  id: string;
  assignment_id: string;
  revision_id: string;
  submitted_at: Date;
}

/** What a questionnaire response holds of the client's health: sealed as one JSON value. */
export interface ResponseScore {
  answers: Record<string, number>;
  total: number;
  subscales: Record<string, number>;
  band: string | null;
  flags: string[];
}

type Sealed<Row, Columns extends string> = Row & { client_id: string } & Record<Columns, Buffer | null>;

export interface FlagRow {
  id: string;
  tenant_id: string;
  client_id: string;
  assignment_id: string;
  response_id: string;
  code: string;
  raised_at: Date;
  acknowledged_at: Date | null;
}

const FLAG_COLUMNS =
  'id, tenant_id, client_id, assignment_id, response_id, code, sealed_code, raised_at, acknowledged_at';

const pickScore = ({ answers, total, subscales, band, flags }: ResponseScore): ResponseScore => ({
  answers,
  total,
  subscales,
  band,
  flags,
});

/** Limit of entries/responses returned with one assignment (newest first). */
export const WORK_PAGE_LIMIT = 500;

/** The only file with queries on client work: answers, progress, entries, responses, flags, feedback. */
@Injectable()
export class WorkRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealed: SealedValues,
  ) {}

  /** The module's answers, non-text values opened (texts stay sealed for the caller to open). */
  async answers(assignmentId: string): Promise<AnswerRow[]> {
    const rows: Sealed<AnswerRow, 'sealed_value'>[] = await this.dataSource.query(
      `SELECT client_id, session_key, page_key, block_key, value, sealed_text, sealed_value, updated_at FROM module_answer
        WHERE assignment_id = $1 ORDER BY session_key, page_key, block_key`,
      [assignmentId],
    );
    return Promise.all(
      rows.map(async ({ client_id, sealed_value, ...row }) => ({
        ...row,
        value: sealed_value
          ? await this.sealed.open(
              client_id,
              sealedField.answerValue(assignmentId, row.session_key, row.page_key, row.block_key),
              sealed_value,
            )
          : row.value,
      })),
    );
  }

  async upsertAnswer(
    manager: EntityManager,
    a: {
      assignmentId: string;
      tenantId: string;
      clientId: string;
      sessionKey: string;
      pageKey: string;
      blockKey: string;
      value: unknown;
      sealed: Buffer | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO module_answer (assignment_id, client_id, session_key, page_key, block_key, sealed_value, sealed_text)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (assignment_id, session_key, page_key, block_key)
       DO UPDATE SET value = NULL, sealed_value = EXCLUDED.sealed_value, sealed_text = EXCLUDED.sealed_text, updated_at = now()`,
      [
        a.assignmentId,
        a.clientId,
        a.sessionKey,
        a.pageKey,
        a.blockKey,
        a.value === null
          ? null
          : await this.sealed.seal(
              manager,
              { tenantId: a.tenantId, subjectId: a.clientId },
              sealedField.answerValue(a.assignmentId, a.sessionKey, a.pageKey, a.blockKey),
              a.value,
            ),
        a.sealed,
      ],
    );
  }

  async setPosition(
    manager: EntityManager,
    assignmentId: string,
    sessionKey: string,
    pageKey: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE assignment SET position_session = $2, position_page = $3, updated_at = now() WHERE id = $1`,
      [assignmentId, sessionKey, pageKey],
    );
  }

  async completePage(
    manager: EntityManager,
    assignmentId: string,
    clientId: string,
    sessionKey: string,
    pageKey: string,
  ) {
    await manager.query(
      `INSERT INTO page_progress (assignment_id, client_id, session_key, page_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [assignmentId, clientId, sessionKey, pageKey],
    );
  }

  async completedPages(
    assignmentId: string,
    manager?: EntityManager,
  ): Promise<{ session_key: string; page_key: string; completed_at: Date }[]> {
    return (manager ?? this.dataSource).query(
      `SELECT session_key, page_key, completed_at FROM page_progress WHERE assignment_id = $1`,
      [assignmentId],
    );
  }

  /** Records a session as complete; true only the first time (so its event is published once). */
  async completeSession(
    manager: EntityManager,
    assignmentId: string,
    clientId: string,
    sessionKey: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO session_completion (assignment_id, client_id, session_key) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING session_key`,
      [assignmentId, clientId, sessionKey],
    );
    return rows.length > 0;
  }

  async completedSessions(
    assignmentId: string,
    manager?: EntityManager,
  ): Promise<{ session_key: string; completed_at: Date }[]> {
    return (manager ?? this.dataSource).query(
      `SELECT session_key, completed_at FROM session_completion WHERE assignment_id = $1 ORDER BY completed_at`,
      [assignmentId],
    );
  }

  async insertDiaryEntry(
    manager: EntityManager,
    e: {
      id: string;
      tenantId: string;
      clientId: string;
      assignmentId: string;
      recordedAt: Date;
      /** Every value of the entry, numbers and texts: sealed together. */
      values: object;
    },
  ): Promise<void> {
    const sealed = await this.sealed.seal(
      manager,
      { tenantId: e.tenantId, subjectId: e.clientId },
      sealedField.diaryEntry(e.id),
      e.values,
    );
    await manager.query(
      `INSERT INTO diary_entry (id, tenant_id, client_id, assignment_id, recorded_at, sealed_text)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [e.id, e.tenantId, e.clientId, e.assignmentId, e.recordedAt, sealed],
    );
  }

  async diaryEntries(assignmentId: string): Promise<DiaryEntryRow[]> {
    return this.dataSource.query(
      `SELECT id, assignment_id, recorded_at, value, sealed_text FROM diary_entry
        WHERE assignment_id = $1 ORDER BY recorded_at DESC, id LIMIT ${WORK_PAGE_LIMIT}`,
      [assignmentId],
    );
  }

  async insertResponse(
    manager: EntityManager,
    r: {
      id: string;
      tenantId: string;
      clientId: string;
      assignmentId: string;
      revisionId: string;
      score: ResponseScore;
    },
  ): Promise<Date> {
    const sealed = await this.sealed.seal(
      manager,
      { tenantId: r.tenantId, subjectId: r.clientId },
      sealedField.response(r.id),
      r.score,
    );
    const rows: { submitted_at: Date }[] = await manager.query(
      `INSERT INTO questionnaire_response (id, tenant_id, client_id, assignment_id, revision_id, sealed_score)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING submitted_at`,
      [r.id, r.tenantId, r.clientId, r.assignmentId, r.revisionId, sealed],
    );
    return rows[0].submitted_at;
  }

  async responses(assignmentId: string, manager?: EntityManager): Promise<ResponseRow[]> {
    const rows: Sealed<ResponseRow, 'sealed_score'>[] = await (manager ?? this.dataSource).query(
      `SELECT id, client_id, assignment_id, revision_id, answers, total, subscales, band, flags, sealed_score, submitted_at
         FROM questionnaire_response
        WHERE assignment_id = $1 ORDER BY submitted_at DESC, id LIMIT ${WORK_PAGE_LIMIT}`,
      [assignmentId],
    );
    return Promise.all(rows.map((row) => this.openResponse(row, manager)));
  }

  /** A response row with its score opened (rows written before sealing carry it in clear). */
  async openResponse<Row extends ResponseScore & { id: string }>(
    { client_id, sealed_score, ...row }: Row & { client_id: string; sealed_score: Buffer | null },
    manager?: EntityManager,
  ): Promise<Row> {
    const score = sealed_score
      ? await this.sealed.open<ResponseScore>(client_id, sealedField.response(row.id), sealed_score, manager)
      : { ...row, total: Number(row.total) };
    return { ...(row as unknown as Row), ...pickScore(score) };
  }

  async insertFlags(
    manager: EntityManager,
    f: {
      tenantId: string;
      clientId: string;
      assignmentId: string;
      responseId: string;
      codes: string[];
      ids: string[];
    },
  ): Promise<void> {
    if (!f.codes.length) return;
    const subject = { tenantId: f.tenantId, subjectId: f.clientId };
    const sealed = await Promise.all(
      f.codes.map((code, i) => this.sealed.seal(manager, subject, sealedField.flag(f.ids[i]), code)),
    );
    await manager.query(
      `INSERT INTO flag (id, tenant_id, client_id, assignment_id, response_id, sealed_code)
       SELECT unnest($1::uuid[]), $2, $3, $4, $5, unnest($6::bytea[])`,
      [f.ids, f.tenantId, f.clientId, f.assignmentId, f.responseId, sealed],
    );
  }

  async flagsOfAssignment(assignmentId: string): Promise<FlagRow[]> {
    return this.openFlagRows(
      await this.dataSource.query(
        `SELECT ${FLAG_COLUMNS} FROM flag WHERE assignment_id = $1 ORDER BY raised_at DESC, id`,
        [assignmentId],
      ),
    );
  }

  /** Open flags of these clients (a professional's caseload), newest first. */
  async openFlags(tenantId: string, clientIds: string[]): Promise<FlagRow[]> {
    if (!clientIds.length) return [];
    return this.openFlagRows(
      await this.dataSource.query(
        `SELECT ${FLAG_COLUMNS} FROM flag
          WHERE tenant_id = $1 AND client_id = ANY($2) AND acknowledged_at IS NULL ORDER BY raised_at DESC, id LIMIT 500`,
        [tenantId, clientIds],
      ),
    );
  }

  async findFlag(id: string): Promise<FlagRow | null> {
    const rows = await this.openFlagRows(
      await this.dataSource.query(`SELECT ${FLAG_COLUMNS} FROM flag WHERE id = $1`, [id]),
    );
    return rows[0] ?? null;
  }

  private openFlagRows(rows: (FlagRow & { sealed_code: Buffer | null })[]): Promise<FlagRow[]> {
    return Promise.all(
      rows.map(async ({ sealed_code, ...row }) => ({
        ...row,
        code: sealed_code
          ? await this.sealed.open<string>(row.client_id, sealedField.flag(row.id), sealed_code)
          : row.code,
      })),
    );
  }

  async acknowledgeFlag(manager: EntityManager, id: string, by: string): Promise<void> {
    await manager.query(
      `UPDATE flag SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL`,
      [id, by],
    );
  }

  async insertFeedback(
    manager: EntityManager,
    f: {
      id: string;
      assignmentId: string;
      clientId: string;
      sessionKey: string;
      authorId: string;
      sealed: Buffer;
    },
  ): Promise<Date> {
    const rows: { created_at: Date }[] = await manager.query(
      `INSERT INTO exercise_feedback (id, assignment_id, client_id, session_key, author_id, sealed_text)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`,
      [f.id, f.assignmentId, f.clientId, f.sessionKey, f.authorId, f.sealed],
    );
    return rows[0].created_at;
  }

  async feedback(
    assignmentId: string,
  ): Promise<
    { id: string; session_key: string; author_id: string; sealed_text: Buffer; created_at: Date }[]
  > {
    return this.dataSource.query(
      `SELECT id, session_key, author_id, sealed_text, created_at FROM exercise_feedback WHERE assignment_id = $1 ORDER BY created_at, id`,
      [assignmentId],
    );
  }
}
