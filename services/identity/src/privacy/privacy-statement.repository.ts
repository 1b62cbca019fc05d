import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface PrivacyStatementRow {
  version: number;
  text: string;
  publishedAt: Date;
  publishedBy: string;
}

/** The queries of the privacy statement and its acknowledgements. */
@Injectable()
export class PrivacyStatementRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findCurrent(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PrivacyStatementRow | null> {
    const rows: PrivacyStatementRow[] = await manager.query(
      `SELECT version, text, published_at AS "publishedAt", published_by AS "publishedBy"
         FROM privacy_statement WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1`,
      [tenantId],
    );
    return rows[0] ?? null;
  }

  /** The current version (null without a statement) and whether the user acknowledged it: one query. */
  async gate(tenantId: string, userId: string): Promise<{ version: number | null; acknowledged: boolean }> {
    const rows: { version: number | null; acknowledged: boolean }[] = await this.dataSource.query(
      `SELECT s.version,
              EXISTS (SELECT 1 FROM privacy_acknowledgement a
                       WHERE a.user_id = $2 AND a.version = s.version) AS acknowledged
         FROM (SELECT max(version) AS version FROM privacy_statement WHERE tenant_id = $1) s`,
      [tenantId, userId],
    );
    return rows[0] ?? { version: null, acknowledged: false };
  }

  async insert(row: PrivacyStatementRow & { tenantId: string }, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO privacy_statement (tenant_id, version, text, published_at, published_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [row.tenantId, row.version, row.text, row.publishedAt, row.publishedBy],
    );
  }

  /** Records the acknowledgement once; acknowledging the same version again keeps the first time. */
  async acknowledge(
    input: { userId: string; tenantId: string; version: number; at: Date },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO privacy_acknowledgement (user_id, tenant_id, version, acknowledged_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT ON CONSTRAINT privacy_acknowledgement_pkey DO NOTHING`,
      [input.userId, input.tenantId, input.version, input.at],
    );
  }

  async hasAcknowledged(userId: string, version: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM privacy_acknowledgement WHERE user_id = $1 AND version = $2`,
      [userId, version],
    );
    return rows.length > 0;
  }
}
