import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { auditOutsideAccessNoticeDueV1 } from '@therapy-room/contracts';
import { OutboxService } from '@therapy-room/platform';
import type { AuditRecord } from '../log/audit-record';

/** Bases that reach a person's record from outside their care team. */
export const OUTSIDE_CARE_TEAM_BASES: ReadonlySet<string> = new Set([
  'staff_grant',
  'colleague_link',
  'shared_report',
]);

/**
 * A successful access to someone's record by another person from outside their care team: decided by
 * the basis the access was allowed on (a staff grant, a colleague link, a shared report).
 */
export function isOutsideAccess(
  r: Pick<AuditRecord, 'outcome' | 'subjectPs' | 'actorPs' | 'basis'>,
): boolean {
  if (r.outcome !== 'success' || r.subjectPs === null || r.actorPs === r.subjectPs) return false;
  return OUTSIDE_CARE_TEAM_BASES.has(r.basis ?? '');
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * "Someone from outside your care team viewed your record": due for a person at their first such access
 * of a day (24 hours since the last notice), decided in the ingest transaction and published as
 * audit.outside-access-notice.due.v1 for identity to mail.
 */
@Injectable()
export class OutsideAccessNotices {
  constructor(private readonly outbox: OutboxService) {}

  async afterAppend(
    manager: EntityManager,
    tenantId: string,
    records: AuditRecord[],
    people: Map<string, string>,
  ): Promise<void> {
    const due = new Map<string, Date>();
    for (const r of records)
      if (isOutsideAccess(r) && people.has(r.subjectPs!)) due.set(r.subjectPs!, r.recordedAt);
    for (const [subjectPs, at] of due) {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO outside_access_notice (tenant_id, subject_ps, notified_at) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, subject_ps) DO UPDATE SET notified_at = EXCLUDED.notified_at
           WHERE outside_access_notice.notified_at <= $4
         RETURNING 1`,
        [tenantId, subjectPs, at, new Date(at.getTime() - DAY_MS)],
      );
      if (claimed.length === 0) continue;
      const recipientId = people.get(subjectPs)!;
      await this.outbox.add(
        manager,
        auditOutsideAccessNoticeDueV1,
        { recipientId },
        { tenantId, subjectId: recipientId },
      );
    }
  }
}
