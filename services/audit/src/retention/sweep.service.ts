import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, createDataSource } from '@therapy-room/platform';
import type { AuditConfig } from '../audit.config';
import { Checkpoints } from '../checkpoints/checkpoints';
import { AuditClock } from '../log/audit-clock';

export interface SweepResult {
  tenantId: string;
  /** Records up to and including this position were removed. */
  removedThrough: number;
  removed: number;
}

/**
 * The end of retention: records older than the organisation's retention (its setting, else
 * AUDIT_RETENTION_YEARS; recorded before the cutoff; positions
 * follow recording time) are removed, per organisation, behind a signed `sweep` checkpoint that states
 * up to which position and with which chain hash — so `audit verify` starts there and still passes.
 * Only the schema owner may delete from the log: the sweep connects as DATABASE_OWNER_URL, holding the
 * organisation's head lock so no append interleaves.
 */
@Injectable()
export class SweepService {
  private readonly years: number;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: AuditConfig,
    private readonly checkpoints: Checkpoints,
    private readonly clock: AuditClock,
  ) {
    this.years = config.AUDIT_RETENTION_YEARS;
  }

  cutoff(now: Date, years: number = this.years): Date {
    const cutoff = new Date(now);
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
    return cutoff;
  }

  async sweep(now: Date = this.clock.now()): Promise<SweepResult[]> {
    const owner: DataSource = createDataSource(
      { ...this.config, DATABASE_URL: this.config.DATABASE_OWNER_URL, DATABASE_POOL_MAX: 1 },
      { entities: [], migrations: [] },
    );
    await owner.initialize();
    try {
      // Each organisation's own retention (at least the default's 5 years), else AUDIT_RETENTION_YEARS.
      const tenants: { tenant_id: string; years: number | null }[] = await owner.query(
        `SELECT h.tenant_id, r.years FROM audit_chain_head h LEFT JOIN tenant_retention r USING (tenant_id)`,
      );
      const results: SweepResult[] = [];
      for (const { tenant_id: tenantId, years } of tenants) {
        const cutoff = this.cutoff(now, years ?? this.years);
        const result = await owner.transaction(async (manager) => {
          await manager.query(`SELECT 1 FROM audit_chain_head WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
          const [last]: { position: string; hash: Buffer }[] = await manager.query(
            `SELECT position, hash FROM audit_record WHERE tenant_id = $1 AND recorded_at < $2
              ORDER BY position DESC LIMIT 1`,
            [tenantId, cutoff],
          );
          if (!last) return null;
          const position = Number(last.position);
          await this.checkpoints.record(manager, tenantId, { position, hash: last.hash }, 'sweep', position);
          const [, removed] = (await manager.query(
            `DELETE FROM audit_record WHERE tenant_id = $1 AND position <= $2`,
            [tenantId, position],
          )) as [unknown[], number];
          return { tenantId, removedThrough: position, removed };
        });
        if (result) results.push(result);
      }
      return results;
    } finally {
      await owner.destroy();
    }
  }
}
