import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

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

export interface ResponseRow {
  id: string;
  assignment_id: string;
  revision_id: string;
  answers: Record<string, number>;
  total: string;
  subscales: Record<string, number>;
  band: string | null;
  flags: string[];
  submitted_at: Date;
}

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

/** Limit of entries/responses returned with one assignment (newest first). */
export const WORK_PAGE_LIMIT = 500;

/** The only file with queries on client work: answers, progress, entries, responses, flags, feedback. */
@Injectable()
export class WorkRepository {
  constructor(private readonly dataSource: DataSource) {}

  async answers(assignmentId: string): Promise<AnswerRow[]> {
    return this.dataSource.query(
      `SELECT session_key, page_key, block_key, value, sealed_text, updated_at FROM module_answer
        WHERE assignment_id = $1 ORDER BY session_key, page_key, block_key`,
      [assignmentId],
    );
  }

  async upsertAnswer(
    manager: EntityManager,
    a: {
      assignmentId: string;
      clientId: string;
      sessionKey: string;
      pageKey: string;
      blockKey: string;
      value: unknown;
      sealed: Buffer | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO module_answer (assignment_id, client_id, session_key, page_key, block_key, value, sealed_text)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (assignment_id, session_key, page_key, block_key)
       DO UPDATE SET value = EXCLUDED.value, sealed_text = EXCLUDED.sealed_text, updated_at = now()`,
      [
        a.assignmentId,
        a.clientId,
        a.sessionKey,
        a.pageKey,
        a.blockKey,
        a.value === null ? null : JSON.stringify(a.value),
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
      value: object;
      sealed: Buffer | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO diary_entry (id, tenant_id, client_id, assignment_id, recorded_at, value, sealed_text)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.id, e.tenantId, e.clientId, e.assignmentId, e.recordedAt, JSON.stringify(e.value), e.sealed],
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
      answers: Record<string, number>;
      total: number;
      subscales: Record<string, number>;
      band: string | null;
      flags: string[];
    },
  ): Promise<Date> {
    const rows: { submitted_at: Date }[] = await manager.query(
      `INSERT INTO questionnaire_response (id, tenant_id, client_id, assignment_id, revision_id, answers, total, subscales, band, flags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING submitted_at`,
      [
        r.id,
        r.tenantId,
        r.clientId,
        r.assignmentId,
        r.revisionId,
        JSON.stringify(r.answers),
        r.total,
        JSON.stringify(r.subscales),
        r.band,
        r.flags,
      ],
    );
    return rows[0].submitted_at;
  }

  async responses(assignmentId: string, manager?: EntityManager): Promise<ResponseRow[]> {
    return (manager ?? this.dataSource).query(
      `SELECT id, assignment_id, revision_id, answers, total, subscales, band, flags, submitted_at FROM questionnaire_response
        WHERE assignment_id = $1 ORDER BY submitted_at DESC, id LIMIT ${WORK_PAGE_LIMIT}`,
      [assignmentId],
    );
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
    await manager.query(
      `INSERT INTO flag (id, tenant_id, client_id, assignment_id, response_id, code)
       SELECT unnest($1::uuid[]), $2, $3, $4, $5, unnest($6::text[])`,
      [f.ids, f.tenantId, f.clientId, f.assignmentId, f.responseId, f.codes],
    );
  }

  async flagsOfAssignment(assignmentId: string): Promise<FlagRow[]> {
    return this.dataSource.query(
      `SELECT id, tenant_id, client_id, assignment_id, response_id, code, raised_at, acknowledged_at FROM flag
        WHERE assignment_id = $1 ORDER BY raised_at DESC, id`,
      [assignmentId],
    );
  }

  /** Open flags of these clients (a professional's caseload), newest first. */
  async openFlags(tenantId: string, clientIds: string[]): Promise<FlagRow[]> {
    if (!clientIds.length) return [];
    return this.dataSource.query(
      `SELECT id, tenant_id, client_id, assignment_id, response_id, code, raised_at, acknowledged_at FROM flag
        WHERE tenant_id = $1 AND client_id = ANY($2) AND acknowledged_at IS NULL ORDER BY raised_at DESC, id LIMIT 500`,
      [tenantId, clientIds],
    );
  }

  async findFlag(id: string): Promise<FlagRow | null> {
    const rows: FlagRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, client_id, assignment_id, response_id, code, raised_at, acknowledged_at FROM flag WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
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
