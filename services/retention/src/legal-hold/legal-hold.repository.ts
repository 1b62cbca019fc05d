import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface LegalHold {
  reason: string;
  placedBy: string;
  placedAt: Date;
}

/** The only file with queries on legal_hold. */
@Injectable()
export class LegalHoldRepository {
  constructor(private readonly dataSource: DataSource) {}

  async of(
    tenantId: string,
    subjectId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<LegalHold | null> {
    const rows: { reason: string; placed_by: string; placed_at: Date }[] = await manager.query(
      `SELECT reason, placed_by, placed_at FROM legal_hold WHERE tenant_id = $1 AND subject_id = $2`,
      [tenantId, subjectId],
    );
    return rows[0]
      ? { reason: rows[0].reason, placedBy: rows[0].placed_by, placedAt: rows[0].placed_at }
      : null;
  }

  async place(manager: EntityManager, tenantId: string, subjectId: string, hold: LegalHold): Promise<void> {
    await manager.query(
      `INSERT INTO legal_hold (tenant_id, subject_id, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, subject_id) DO UPDATE SET reason = EXCLUDED.reason,
         placed_by = EXCLUDED.placed_by, placed_at = EXCLUDED.placed_at`,
      [tenantId, subjectId, hold.reason, hold.placedBy, hold.placedAt],
    );
  }

  /** True when there was a hold to lift. */
  async lift(manager: EntityManager, tenantId: string, subjectId: string): Promise<boolean> {
    const [, affected] = (await manager.query(
      `DELETE FROM legal_hold WHERE tenant_id = $1 AND subject_id = $2`,
      [tenantId, subjectId],
    )) as [unknown, number];
    return affected > 0;
  }
}
