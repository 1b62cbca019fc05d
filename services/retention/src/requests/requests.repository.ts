import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canMove, type RequestState, type SubjectRequest } from './request';

interface RequestRow {
  id: string;
  tenant_id: string;
  subject_id: string | null;
  subject_ps: string;
  kind: SubjectRequest['kind'];
  reason: SubjectRequest['reason'];
  state: RequestState;
  requested_by: string | null;
  requested_by_role: string;
  requested_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  runs_at: Date | null;
  on_hold: boolean;
  attempts: number;
  last_sent_at: Date | null;
  stuck_at: Date | null;
  possible_from: string | null;
  completed_at: Date | null;
}

const toRequest = (r: RequestRow): SubjectRequest => ({
  id: r.id,
  tenantId: r.tenant_id,
  subjectId: r.subject_id,
  subjectPs: r.subject_ps,
  kind: r.kind,
  reason: r.reason,
  state: r.state,
  requestedBy: r.requested_by,
  requestedByRole: r.requested_by_role,
  requestedAt: r.requested_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
  runsAt: r.runs_at,
  onHold: r.on_hold,
  attempts: r.attempts,
  lastSentAt: r.last_sent_at,
  stuckAt: r.stuck_at,
  possibleFrom: r.possible_from,
  completedAt: r.completed_at,
});

const COLUMNS = `id, tenant_id, subject_id, subject_ps, kind, reason, state, requested_by, requested_by_role,
  requested_at, approved_by, approved_at, runs_at, on_hold, attempts, last_sent_at, stuck_at,
  to_char(possible_from, 'YYYY-MM-DD') AS possible_from, completed_at`;

export interface Participant {
  service: string;
  confirmedAt: Date | null;
  counts: Record<string, number> | null;
  /** An export's document (file: URL) and its SHA-256, as the participant confirmed them. */
  file: string | null;
  sha256: string | null;
}

/** The only file with queries on subject_request, request_transition and request_participant. */
@Injectable()
export class RequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, r: SubjectRequest, by: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO subject_request (id, tenant_id, subject_id, subject_ps, kind, reason, state, requested_by,
         requested_by_role, requested_at, possible_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        r.id,
        r.tenantId,
        r.subjectId,
        r.subjectPs,
        r.kind,
        r.reason,
        r.state,
        r.requestedBy,
        r.requestedByRole,
        r.requestedAt,
        r.possibleFrom,
      ],
    );
    await this.logTransition(manager, r.id, null, r.state, by, r.requestedAt);
  }

  /** The open request of this kind for the subject (at most one: a partial unique index). */
  async open(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
    kind: SubjectRequest['kind'],
  ): Promise<SubjectRequest | null> {
    const rows: RequestRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM subject_request
        WHERE tenant_id = $1 AND subject_id = $2 AND kind = $3
          AND state IN ('requested', 'approved', 'pending', 'running')`,
      [tenantId, subjectId, kind],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<SubjectRequest | null> {
    const rows: RequestRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM subject_request WHERE id = $1 AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, tenantId],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  /** A request by id whatever its organisation (a participant's confirmation names only the request). */
  async lockById(manager: EntityManager, id: string): Promise<SubjectRequest | null> {
    const rows: RequestRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM subject_request WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async list(tenantId: string, filter: { subjectId?: string; state?: RequestState }, limit: number) {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM subject_request
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR subject_id = $2) AND ($3::text IS NULL OR state = $3)
        ORDER BY requested_at DESC, id LIMIT $4`,
      [tenantId, filter.subjectId ?? null, filter.state ?? null, limit],
    );
    return rows.map(toRequest);
  }

  /** Moves the request (checked against the state machine) and sets the given columns. */
  async move(
    manager: EntityManager,
    r: SubjectRequest,
    to: RequestState,
    by: string | null,
    at: Date,
    set: Partial<Record<'approved_by' | 'approved_at' | 'runs_at' | 'completed_at', unknown>> = {},
  ): Promise<SubjectRequest> {
    if (!canMove(r.state, to)) throw new Error(`request ${r.id}: ${r.state} → ${to} is not a transition`);
    const entries = Object.entries(set);
    await manager.query(
      `UPDATE subject_request SET state = $2${entries.map(([k], i) => `, ${k} = $${i + 3}`).join('')}
        WHERE id = $1`,
      [r.id, to, ...entries.map(([, v]) => v)],
    );
    await this.logTransition(manager, r.id, r.state, to, by, at);
    return { ...r, state: to };
  }

  async setHold(manager: EntityManager, id: string, onHold: boolean): Promise<void> {
    await manager.query(`UPDATE subject_request SET on_hold = $2 WHERE id = $1`, [id, onHold]);
  }

  /** One more sending of the request to its participants. */
  async markSent(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE subject_request SET attempts = attempts + 1, last_sent_at = $2 WHERE id = $1`,
      [id, at],
    );
  }

  async markStuck(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE subject_request SET stuck_at = $2 WHERE id = $1 AND stuck_at IS NULL`, [
      id,
      at,
    ]);
  }

  /** After an erasure: the request keeps only the pseudonym. */
  async forgetSubject(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE subject_request SET subject_id = NULL WHERE id = $1`, [id]);
  }

  async transitions(id: string) {
    const rows: { from_state: string | null; to_state: string; at: Date }[] = await this.dataSource.query(
      `SELECT from_state, to_state, at FROM request_transition WHERE request_id = $1 ORDER BY position`,
      [id],
    );
    return rows.map((r) => ({ from: r.from_state, to: r.to_state, at: r.at.toISOString() }));
  }

  async addParticipants(manager: EntityManager, id: string, services: string[]): Promise<void> {
    await manager.query(
      `INSERT INTO request_participant (request_id, service) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING`,
      [id, services],
    );
  }

  /** Records a participant's confirmation once; false when it was already confirmed (or not a participant). */
  async confirm(
    manager: EntityManager,
    id: string,
    service: string,
    at: Date,
    counts: Record<string, number> | null,
    document: { file: string; sha256: string } | null = null,
  ): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE request_participant SET confirmed_at = $3, counts = $4, file = $5, sha256 = $6
        WHERE request_id = $1 AND service = $2 AND confirmed_at IS NULL`,
      [
        id,
        service,
        at,
        counts === null ? null : JSON.stringify(counts),
        document?.file ?? null,
        document?.sha256 ?? null,
      ],
    )) as [unknown, number];
    return affected > 0;
  }

  async participants(id: string, manager: EntityManager = this.dataSource.manager): Promise<Participant[]> {
    const rows: {
      service: string;
      confirmed_at: Date | null;
      counts: Record<string, number> | null;
      file: string | null;
      sha256: string | null;
    }[] = await manager.query(
      `SELECT service, confirmed_at, counts, file, sha256 FROM request_participant WHERE request_id = $1 ORDER BY service`,
      [id],
    );
    return rows.map((r) => ({
      service: r.service,
      confirmedAt: r.confirmed_at,
      counts: r.counts,
      file: r.file,
      sha256: r.sha256,
    }));
  }

  /** Erasures whose grace period ended (not on hold, not under a legal hold), locked for this tick. */
  async dueToRun(manager: EntityManager, now: Date, limit: number): Promise<SubjectRequest[]> {
    const rows: RequestRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM subject_request r
        WHERE state = 'pending' AND runs_at <= $1 AND NOT on_hold
          AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.tenant_id = r.tenant_id AND h.subject_id = r.subject_id)
        ORDER BY runs_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toRequest);
  }

  /** Running requests sent before `before` that still wait for someone, locked for this tick. */
  async silent(manager: EntityManager, before: Date, limit: number): Promise<SubjectRequest[]> {
    const rows: RequestRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM subject_request r
        WHERE state = 'running' AND stuck_at IS NULL AND last_sent_at <= $1
          AND EXISTS (SELECT 1 FROM request_participant p WHERE p.request_id = r.id AND p.confirmed_at IS NULL)
        ORDER BY last_sent_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, limit],
    );
    return rows.map(toRequest);
  }

  async countStuck(): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM subject_request WHERE state = 'running' AND stuck_at IS NOT NULL`,
    );
    return Number(rows[0].n);
  }

  private async logTransition(
    manager: EntityManager,
    id: string,
    from: RequestState | null,
    to: RequestState,
    by: string | null,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO request_transition (request_id, from_state, to_state, by_user, at) VALUES ($1, $2, $3, $4, $5)`,
      [id, from, to, by, at],
    );
  }
}
