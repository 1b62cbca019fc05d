import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Tables whose rows about a client go with the client's assignments (ON DELETE CASCADE). */
const ERASED_WITH_ASSIGNMENTS = [
  'module_answer',
  'page_progress',
  'session_completion',
  'exercise_feedback',
  'diary_entry',
  'questionnaire_response',
  'flag',
] as const;

/** The only file with the erasure and export queries: everything content keeps about one subject. */
@Injectable()
export class ErasureRepository {
  /**
   * The organisations other than this one in which content holds work or shares of the subject (its
   * data key is asked of the key store): an erasure request of one organisation must not touch another's
   * subject.
   */
  async otherTenantsOf(manager: EntityManager, tenantId: string, subjectId: string): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(
      `SELECT tenant_id FROM assignment WHERE client_id = $2 AND tenant_id <> $1
       UNION SELECT tenant_id FROM report_share WHERE client_id = $2 AND tenant_id <> $1`,
      [tenantId, subjectId],
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Deletes every row about the client (answers, progress, entries, responses, flags and feedback go
   * with their assignments) and answers how many of each went.
   */
  async eraseClient(manager: EntityManager, subjectId: string): Promise<Record<string, number>> {
    const [counts]: Record<string, string>[] = await manager.query(
      // By assignment (the foreign key every one of them is indexed on for the cascade).
      `SELECT ${ERASED_WITH_ASSIGNMENTS.map(
        (t) =>
          `(SELECT count(*) FROM ${t} WHERE assignment_id IN (SELECT id FROM assignment WHERE client_id = $1)) AS ${t}`,
      ).join(', ')}`,
      [subjectId],
    );
    const [, shares] = (await manager.query(`DELETE FROM report_share WHERE client_id = $1`, [
      subjectId,
    ])) as [unknown[], number];
    const [, assignments] = (await manager.query(`DELETE FROM assignment WHERE client_id = $1`, [
      subjectId,
    ])) as [unknown[], number];
    return {
      ...Object.fromEntries(Object.entries(counts).map(([table, n]) => [table, Number(n)])),
      assignment: assignments,
      report_share: shares,
    };
  }

  async assignments(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT a.id, a.tool_id, t.key AS tool_key, a.kind, r.revision, r.title, a.sessions, a.step_sizes, a.supported, a.every_days,
              a.status, a.created_at, a.withdrawn_at
         FROM assignment a JOIN tool t ON t.id = a.tool_id JOIN tool_revision r ON r.id = a.revision_id
        WHERE a.client_id = $1 ORDER BY a.created_at, a.id`,
      [subjectId],
    ) as Promise<
      {
        id: string;
        tool_id: string;
        tool_key: string;
        kind: string;
        revision: number;
        title: string;
        sessions: string[] | null;
        step_sizes: number[] | null;
        supported: boolean;
        every_days: number | null;
        status: string;
        created_at: Date;
        withdrawn_at: Date | null;
      }[]
    >;
  }

  async answers(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT assignment_id, session_key, page_key, block_key, value, sealed_text, sealed_value, updated_at FROM module_answer
        WHERE client_id = $1 ORDER BY assignment_id, session_key, page_key, block_key`,
      [subjectId],
    ) as Promise<
      {
        assignment_id: string;
        session_key: string;
        page_key: string;
        block_key: string;
        value: unknown;
        sealed_text: Buffer | null;
        sealed_value: Buffer | null;
        updated_at: Date;
      }[]
    >;
  }

  async completedSessions(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT assignment_id, session_key, completed_at FROM session_completion WHERE client_id = $1 ORDER BY completed_at`,
      [subjectId],
    ) as Promise<{ assignment_id: string; session_key: string; completed_at: Date }[]>;
  }

  async diaryEntries(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT id, assignment_id, recorded_at, value, sealed_text FROM diary_entry WHERE client_id = $1 ORDER BY recorded_at, id`,
      [subjectId],
    ) as Promise<
      {
        id: string;
        assignment_id: string;
        recorded_at: Date;
        value: object | null;
        sealed_text: Buffer | null;
      }[]
    >;
  }

  async responses(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT id, client_id, assignment_id, answers, total, subscales, band, flags, sealed_score, submitted_at FROM questionnaire_response
        WHERE client_id = $1 ORDER BY submitted_at, id`,
      [subjectId],
    ) as Promise<
      {
        id: string;
        client_id: string;
        assignment_id: string;
        answers: Record<string, number>;
        total: number;
        subscales: Record<string, number>;
        band: string | null;
        flags: string[];
        sealed_score: Buffer | null;
        submitted_at: Date;
      }[]
    >;
  }

  async feedback(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT id, assignment_id, session_key, author_id, sealed_text, created_at FROM exercise_feedback
        WHERE client_id = $1 ORDER BY created_at, id`,
      [subjectId],
    ) as Promise<
      {
        id: string;
        assignment_id: string;
        session_key: string;
        author_id: string;
        sealed_text: Buffer;
        created_at: Date;
      }[]
    >;
  }

  async shares(manager: EntityManager, subjectId: string) {
    return manager.query(
      `SELECT id, tool_ids, created_at, expires_at, revoked_at, last_opened_at FROM report_share WHERE client_id = $1 ORDER BY created_at`,
      [subjectId],
    ) as Promise<
      {
        id: string;
        tool_ids: string[] | null;
        created_at: Date;
        expires_at: Date;
        revoked_at: Date | null;
        last_opened_at: Date | null;
      }[]
    >;
  }
}
