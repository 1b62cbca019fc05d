import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ShareRow {
  id: string;
  tenant_id: string;
  client_id: string;
  tool_ids: string[] | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_opened_at: Date | null;
}

const columns = 'id, tenant_id, client_id, tool_ids, created_at, expires_at, revoked_at, last_opened_at';

/** The only file with queries on report shares. */
@Injectable()
export class SharingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    s: {
      id: string;
      tenantId: string;
      clientId: string;
      tokenHash: Buffer;
      toolIds: string[] | null;
      expiresAt: Date;
    },
  ): Promise<ShareRow> {
    const rows: ShareRow[] = await manager.query(
      `INSERT INTO report_share (id, tenant_id, client_id, token_hash, tool_ids, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
      [s.id, s.tenantId, s.clientId, s.tokenHash, s.toolIds, s.expiresAt],
    );
    return rows[0];
  }

  async list(tenantId: string, clientId: string): Promise<ShareRow[]> {
    return this.dataSource.query(
      `SELECT ${columns} FROM report_share WHERE tenant_id = $1 AND client_id = $2 ORDER BY created_at DESC, id`,
      [tenantId, clientId],
    );
  }

  async find(id: string): Promise<ShareRow | null> {
    const rows: ShareRow[] = await this.dataSource.query(
      `SELECT ${columns} FROM report_share WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async revoke(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE report_share SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [
      id,
    ]);
  }

  /** The share this token opens right now: not revoked, not expired; null otherwise. */
  async active(tokenHash: Buffer, at: Date): Promise<ShareRow | null> {
    const rows: ShareRow[] = await this.dataSource.query(
      `SELECT ${columns} FROM report_share WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [tokenHash, at],
    );
    return rows[0] ?? null;
  }

  async opened(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE report_share SET last_opened_at = now() WHERE id = $1`, [id]);
  }
}
