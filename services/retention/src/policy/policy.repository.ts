import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { defaultPolicy, type Country, type RetentionPolicy } from './retention-policy';

interface PolicyRow {
  country: Country;
  years_after_treatment: number;
  erasure_before_expiry: 'allowed' | 'refused';
  grace_days: number;
  idle_days: number | null;
}

/** The only file with queries on retention_policy. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The organisation's policy; one never created (no tenant event yet) has the NL defaults. */
  async of(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<RetentionPolicy> {
    const rows: PolicyRow[] = await manager.query(
      `SELECT country, years_after_treatment, erasure_before_expiry, grace_days, idle_days
         FROM retention_policy WHERE tenant_id = $1`,
      [tenantId],
    );
    const r = rows[0];
    if (!r) return defaultPolicy('NL');
    return {
      country: r.country,
      yearsAfterTreatment: r.years_after_treatment,
      erasureBeforeExpiry: r.erasure_before_expiry,
      graceDays: r.grace_days,
      idleDays: r.idle_days,
    };
  }

  /** At tenant creation: the country's defaults, unless the organisation already has a policy. */
  async createDefault(manager: EntityManager, tenantId: string, country: Country): Promise<void> {
    const p = defaultPolicy(country);
    await manager.query(
      `INSERT INTO retention_policy (tenant_id, country, years_after_treatment, erasure_before_expiry, grace_days)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId, p.country, p.yearsAfterTreatment, p.erasureBeforeExpiry, p.graceDays],
    );
  }

  async save(
    manager: EntityManager,
    tenantId: string,
    p: RetentionPolicy,
    by: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO retention_policy
         (tenant_id, country, years_after_treatment, erasure_before_expiry, grace_days, idle_days, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id) DO UPDATE SET country = EXCLUDED.country,
         years_after_treatment = EXCLUDED.years_after_treatment,
         erasure_before_expiry = EXCLUDED.erasure_before_expiry, grace_days = EXCLUDED.grace_days,
         idle_days = EXCLUDED.idle_days, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [tenantId, p.country, p.yearsAfterTreatment, p.erasureBeforeExpiry, p.graceDays, p.idleDays, by, at],
    );
  }
}
