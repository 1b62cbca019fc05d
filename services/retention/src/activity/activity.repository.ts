import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ClientActivity {
  openAssignments: number;
  lastAssignmentEnd: Date | null;
  lastActivityAt: Date | null;
}

/**
 * The only file with queries on client_activity and client_assignment: the projection that dates a
 * client's end of treatment, from caseload's assignments and the services' activity events.
 */
@Injectable()
export class ActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

  async of(
    tenantId: string,
    clientId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ClientActivity | null> {
    const rows: {
      open_assignments: number;
      last_assignment_end: Date | null;
      last_activity_at: Date | null;
    }[] = await manager.query(
      `SELECT open_assignments, last_assignment_end, last_activity_at FROM client_activity
          WHERE client_id = $1 AND tenant_id = $2`,
      [clientId, tenantId],
    );
    const r = rows[0];
    return r
      ? {
          openAssignments: r.open_assignments,
          lastAssignmentEnd: r.last_assignment_end,
          lastActivityAt: r.last_activity_at,
        }
      : null;
  }

  /** A caseload assignment began (only assignments count as treatment; colleague links do not). */
  async assignmentStarted(manager: EntityManager, tenantId: string, clientId: string, grantId: string) {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO client_assignment (grant_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING grant_id`,
      [grantId, clientId],
    );
    if (inserted.length === 0) return;
    await manager.query(
      `INSERT INTO client_activity (client_id, tenant_id, open_assignments) VALUES ($1, $2, 1)
       ON CONFLICT (client_id) DO UPDATE SET open_assignments = client_activity.open_assignments + 1`,
      [clientId, tenantId],
    );
  }

  /** A caseload assignment ended at `at`. */
  async assignmentEnded(manager: EntityManager, clientId: string, grantId: string, at: Date) {
    const ended: unknown[] = await manager.query(
      `UPDATE client_assignment SET ended_at = $2 WHERE grant_id = $1 AND ended_at IS NULL RETURNING grant_id`,
      [grantId, at],
    );
    if (ended.length === 0) return;
    await manager.query(
      `UPDATE client_activity SET open_assignments = greatest(open_assignments - 1, 0),
         last_assignment_end = greatest(last_assignment_end, $2)
        WHERE client_id = $1`,
      [clientId, at],
    );
  }

  /** The client did something at `at` (signed in, completed work, sent a message). */
  async active(manager: EntityManager, tenantId: string, clientId: string, at: Date) {
    await manager.query(
      `INSERT INTO client_activity (client_id, tenant_id, last_activity_at) VALUES ($1, $2, $3)
       ON CONFLICT (client_id) DO UPDATE SET last_activity_at = greatest(client_activity.last_activity_at, $3)`,
      [clientId, tenantId, at],
    );
  }

  /** After an erasure: nothing about the client remains in the projection. */
  async erase(manager: EntityManager, clientId: string) {
    await manager.query(`DELETE FROM client_assignment WHERE client_id = $1`, [clientId]);
    await manager.query(`DELETE FROM client_activity WHERE client_id = $1`, [clientId]);
  }

  /**
   * Clients of the organisation whose records expired by `now` (end of treatment + years; for NL from
   * the 1 January after it, art. 7:454 lid 3 BW), not under a legal hold and with no open erasure, after
   * `afterId` (a sweep resumes where it stopped), in id order.
   */
  async expired(
    tenantId: string,
    policy: { years: number; country: 'NL' | 'GB' },
    now: Date,
    afterId: string | null,
    limit: number,
  ) {
    const rows: { client_id: string; ended: Date }[] = await this.dataSource.query(
      `SELECT client_id, ended FROM (
         SELECT a.client_id, greatest(a.last_assignment_end, a.last_activity_at) AS ended
           FROM client_activity a
          WHERE a.tenant_id = $1 AND a.open_assignments = 0 AND ($5::uuid IS NULL OR a.client_id > $5)
            AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.tenant_id = a.tenant_id AND h.subject_id = a.client_id)
            AND NOT EXISTS (SELECT 1 FROM subject_request r WHERE r.tenant_id = a.tenant_id
                  AND r.subject_id = a.client_id AND r.kind = 'erasure'
                  AND r.state IN ('requested', 'approved', 'pending', 'running'))
       ) c
       WHERE ended IS NOT NULL
         AND (CASE WHEN $3 = 'NL' THEN date_trunc('year', ended AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 year'
                   ELSE ended END) + make_interval(years => $2) <= $4
       ORDER BY client_id LIMIT $6`,
      [tenantId, policy.years, policy.country, now, afterId, limit],
    );
    return rows.map((r) => ({ clientId: r.client_id, endOfTreatment: r.ended }));
  }
}
