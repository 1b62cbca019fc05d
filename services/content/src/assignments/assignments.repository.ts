import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ContentToolKind } from '@therapy-room/contracts';

export interface AssignmentRow {
  id: string;
  tenant_id: string;
  client_id: string;
  professional_id: string;
  tool_id: string;
  revision_id: string;
  kind: ContentToolKind;
  sessions: string[] | null;
  step_sizes: number[] | null;
  supported: boolean;
  every_days: number | null;
  status: 'active' | 'withdrawn';
  position_session: string | null;
  position_page: string | null;
  created_at: Date;
  updated_at: Date;
  withdrawn_at: Date | null;
}

export interface AssignmentSummaryRow extends AssignmentRow {
  completed_sessions: number;
  entries: number;
  responses: number;
  last_response_at: Date | null;
}

const columns = `a.id, a.tenant_id, a.client_id, a.professional_id, a.tool_id, a.revision_id, a.kind, a.sessions, a.step_sizes,
  a.supported, a.every_days, a.status, a.position_session, a.position_page, a.created_at, a.updated_at, a.withdrawn_at`;

/** The only file with queries on assignments. */
@Injectable()
export class AssignmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string, manager?: EntityManager, lock = false): Promise<AssignmentRow | null> {
    const rows: AssignmentRow[] = await (manager ?? this.dataSource).query(
      `SELECT ${columns} FROM assignment a WHERE a.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Whether content holds any work of the client in this organisation. */
  async hasClientIn(tenantId: string, clientId: string): Promise<boolean> {
    const rows: { known: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM assignment WHERE tenant_id = $1 AND client_id = $2) AS known`,
      [tenantId, clientId],
    );
    return rows[0]?.known === true;
  }

  /** A client's assignments (newest first) with how far they got. */
  async listForClient(
    tenantId: string,
    clientId: string,
    status?: 'active',
  ): Promise<AssignmentSummaryRow[]> {
    return this.dataSource.query(
      `SELECT ${columns},
              (SELECT count(*)::int FROM session_completion s WHERE s.assignment_id = a.id) AS completed_sessions,
              (SELECT count(*)::int FROM diary_entry d WHERE d.assignment_id = a.id) AS entries,
              (SELECT count(*)::int FROM questionnaire_response r WHERE r.assignment_id = a.id) AS responses,
              (SELECT max(submitted_at) FROM questionnaire_response r WHERE r.assignment_id = a.id) AS last_response_at
         FROM assignment a
        WHERE a.tenant_id = $1 AND a.client_id = $2 AND ($3::text IS NULL OR a.status = $3)
        ORDER BY a.created_at DESC, a.id`,
      [tenantId, clientId, status ?? null],
    );
  }

  /** The tools the client has active right now (for usage counts: what is used together). */
  async activeToolIds(manager: EntityManager, clientId: string): Promise<string[]> {
    const rows: { tool_id: string }[] = await manager.query(
      `SELECT DISTINCT tool_id FROM assignment WHERE client_id = $1 AND status = 'active' ORDER BY tool_id`,
      [clientId],
    );
    return rows.map((r) => r.tool_id);
  }

  async isErased(manager: EntityManager, subjectId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM erased_subject WHERE id = $1`, [subjectId]);
    return rows.length > 0;
  }

  async insert(
    manager: EntityManager,
    a: {
      id: string;
      tenantId: string;
      clientId: string;
      professionalId: string;
      toolId: string;
      revisionId: string;
      kind: ContentToolKind;
      sessions: string[] | null;
      stepSizes: number[] | null;
      supported: boolean;
      everyDays: number | null;
    },
  ): Promise<AssignmentRow> {
    const rows: AssignmentRow[] = await manager.query(
      `INSERT INTO assignment (id, tenant_id, client_id, professional_id, tool_id, revision_id, kind, sessions, step_sizes, supported, every_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, $10)
       RETURNING id, tenant_id, client_id, professional_id, tool_id, revision_id, kind, sessions, step_sizes, supported,
                 every_days, status, position_session, position_page, created_at, updated_at, withdrawn_at`,
      [
        a.id,
        a.tenantId,
        a.clientId,
        a.professionalId,
        a.toolId,
        a.revisionId,
        a.kind,
        a.sessions,
        a.supported,
        a.everyDays,
        a.stepSizes,
      ],
    );
    return rows[0];
  }

  async withdraw(manager: EntityManager, id: string, by: string): Promise<void> {
    await manager.query(
      `UPDATE assignment SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = $2, updated_at = now() WHERE id = $1`,
      [id, by],
    );
  }

  /** Moves the assignment to another revision (and, for modules, another choice of sessions). */
  async revise(
    manager: EntityManager,
    id: string,
    revisionId: string,
    choice: { sessions: string[] | null; stepSizes: number[] | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE assignment SET revision_id = $2, sessions = $3, step_sizes = $4, updated_at = now() WHERE id = $1`,
      [id, revisionId, choice.sessions, choice.stepSizes],
    );
  }

  /** Serialises a client's writes on one assignment (a once-only response, a session's completion). */
  async lock(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`SELECT 1 FROM assignment WHERE id = $1 FOR UPDATE`, [id]);
  }
}
