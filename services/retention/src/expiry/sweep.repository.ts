import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** The only file with queries on sweep_cursor (and the list of organisations to sweep). */
@Injectable()
export class SweepRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Organisations whose sweep of `day` has not finished, in id order. */
  async unfinished(day: string): Promise<string[]> {
    const rows: { tenant_id: string }[] = await this.dataSource.query(
      `SELECT p.tenant_id FROM retention_policy p
        WHERE NOT EXISTS (SELECT 1 FROM sweep_cursor c WHERE c.tenant_id = p.tenant_id AND c.day = $1
                            AND c.finished_at IS NOT NULL)
        ORDER BY p.tenant_id`,
      [day],
    );
    return rows.map((r) => r.tenant_id);
  }

  /** One replica sweeps an organisation at a time: false when another holds it (this transaction's lock). */
  async tryLock(manager: EntityManager, tenantId: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await manager.query(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('retention-sweep:' || $1, 0)) AS locked`,
      [tenantId],
    );
    return rows[0].locked;
  }

  async cursor(manager: EntityManager, tenantId: string, day: string): Promise<string | null> {
    const rows: { last_client_id: string | null }[] = await manager.query(
      `SELECT last_client_id FROM sweep_cursor WHERE tenant_id = $1 AND day = $2`,
      [tenantId, day],
    );
    return rows[0]?.last_client_id ?? null;
  }

  async advance(
    manager: EntityManager,
    tenantId: string,
    day: string,
    lastClientId: string | null,
    started: number,
    finishedAt: Date | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO sweep_cursor (tenant_id, day, last_client_id, started, finished_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, day) DO UPDATE SET
         last_client_id = coalesce(EXCLUDED.last_client_id, sweep_cursor.last_client_id),
         started = sweep_cursor.started + EXCLUDED.started, finished_at = EXCLUDED.finished_at`,
      [tenantId, day, lastClientId, started, finishedAt],
    );
  }
}
