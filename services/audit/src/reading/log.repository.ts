import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface LogRow {
  position: string;
  occurred_at: Date;
  action: string;
  outcome: string;
  reason: string | null;
  actor_ps: string | null;
  actor_role: string | null;
  responsible_ps: string | null;
  grant_id: string | null;
  subject_ps: string | null;
  object_type: string;
  object_id: string | null;
  sensitivity: string;
  basis: string | null;
  source_service: string;
  source_address: string;
  request_id: string;
}

export interface LogFilter {
  subjectPs?: string;
  actorPs?: string;
  action?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
}

const COLUMNS = `position, occurred_at, action, outcome, reason, actor_ps, actor_role, responsible_ps, grant_id,
  subject_ps, object_type, object_id, sensitivity, basis, source_service, source_address, request_id`;

/** The only file with queries of the reading side. */
@Injectable()
export class LogRepository {
  /**
   * Accesses by others to one person's record, newest first by when they happened (index
   * audit_record_subject_time_idx; ties by position), the page after the record at position `before`
   * (a keyset on occurred_at and position, so out-of-order arrivals neither repeat nor vanish): successful
   * actions by someone other than the person themself, and share links opened (by whoever holds one); the
   * platform's own entries (no actor) left out.
   */
  contactHistory(
    manager: EntityManager,
    tenantId: string,
    subjectPs: string,
    q: { from?: Date; to?: Date; before?: number; limit: number },
  ): Promise<LogRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM audit_record
        WHERE tenant_id = $1 AND subject_ps = $2
          AND ((actor_ps IS NOT NULL AND actor_ps <> $2) OR basis = 'shared_report')
          AND outcome = 'success'
          AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)
          AND ($5::bigint IS NULL OR (occurred_at, position) <
                 (SELECT c.occurred_at, c.position FROM audit_record c WHERE c.tenant_id = $1 AND c.position = $5))
        ORDER BY occurred_at DESC, position DESC LIMIT $6`,
      [tenantId, subjectPs, q.from ?? null, q.to ?? null, q.before ?? null, q.limit],
    );
  }

  search(
    manager: EntityManager,
    tenantId: string,
    f: LogFilter,
    page: { limit: number; offset: number },
  ): Promise<LogRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM audit_record
        WHERE tenant_id = $1
          AND ($2::text IS NULL OR subject_ps = $2) AND ($3::text IS NULL OR actor_ps = $3)
          AND ($4::text IS NULL OR action = $4) AND ($5::text IS NULL OR outcome = $5)
          AND ($6::timestamptz IS NULL OR occurred_at >= $6) AND ($7::timestamptz IS NULL OR occurred_at < $7)
        ORDER BY position DESC LIMIT $8 OFFSET $9`,
      [
        tenantId,
        f.subjectPs ?? null,
        f.actorPs ?? null,
        f.action ?? null,
        f.outcome ?? null,
        f.from ?? null,
        f.to ?? null,
        page.limit,
        page.offset,
      ],
    );
  }

  /** Directory entries (name, role) of people by id. */
  async people(
    manager: EntityManager,
    tenantId: string,
    ids: string[],
  ): Promise<Map<string, { displayName: string | null; role: string | null }>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; display_name: string | null; role: string | null }[] = await manager.query(
      `SELECT id, display_name, role FROM person WHERE tenant_id = $1 AND id = ANY($2)`,
      [tenantId, ids],
    );
    return new Map(rows.map((r) => [r.id, { displayName: r.display_name, role: r.role }]));
  }
}
