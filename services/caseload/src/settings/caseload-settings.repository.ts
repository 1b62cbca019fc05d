import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface CaseloadSettings {
  professionalsMayTakeUnassignedClients: boolean;
}

/** The defaults of an organisation that never chose. */
export const defaultCaseloadSettings: CaseloadSettings = { professionalsMayTakeUnassignedClients: false };

/** The only file with queries on caseload_setting. */
@Injectable()
export class CaseloadSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async of(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<CaseloadSettings> {
    const rows: { professionals_may_take_unassigned: boolean }[] = await manager.query(
      `SELECT professionals_may_take_unassigned FROM caseload_setting WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]
      ? { professionalsMayTakeUnassignedClients: rows[0].professionals_may_take_unassigned }
      : defaultCaseloadSettings;
  }

  async save(
    manager: EntityManager,
    tenantId: string,
    settings: CaseloadSettings,
    by: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO caseload_setting (tenant_id, professionals_may_take_unassigned, updated_by, updated_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET
         professionals_may_take_unassigned = EXCLUDED.professionals_may_take_unassigned,
         updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [tenantId, settings.professionalsMayTakeUnassignedClients, by, at],
    );
  }
}
