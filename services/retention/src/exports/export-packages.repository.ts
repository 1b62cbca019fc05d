import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ExportPackageRow {
  requestId: string;
  tenantId: string;
  recipientId: string;
  packageKey: Buffer | null;
  createdAt: Date;
  expiresAt: Date;
  downloadedAt: Date | null;
  expiredAt: Date | null;
}

interface Row {
  request_id: string;
  tenant_id: string;
  recipient_id: string;
  package_key: Buffer | null;
  created_at: Date;
  expires_at: Date;
  downloaded_at: Date | null;
  expired_at: Date | null;
}
const toRow = (r: Row): ExportPackageRow => ({
  requestId: r.request_id,
  tenantId: r.tenant_id,
  recipientId: r.recipient_id,
  packageKey: r.package_key,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  downloadedAt: r.downloaded_at,
  expiredAt: r.expired_at,
});
const COLUMNS = `request_id, tenant_id, recipient_id, package_key, created_at, expires_at, downloaded_at, expired_at`;

/** The only file with queries on export_package. */
@Injectable()
export class ExportPackagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    p: {
      requestId: string;
      tenantId: string;
      recipientId: string;
      key: Buffer;
      bytes: number;
      at: Date;
      expiresAt: Date;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO export_package (request_id, tenant_id, recipient_id, package_key, bytes, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [p.requestId, p.tenantId, p.recipientId, p.key, p.bytes, p.at, p.expiresAt],
    );
  }

  async find(tenantId: string, requestId: string, manager: EntityManager = this.dataSource.manager) {
    const rows: Row[] = await manager.query(
      `SELECT ${COLUMNS} FROM export_package WHERE request_id = $1 AND tenant_id = $2`,
      [requestId, tenantId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async setToken(manager: EntityManager, requestId: string, tokenHash: string): Promise<void> {
    await manager.query(`UPDATE export_package SET token_hash = $2 WHERE request_id = $1`, [
      requestId,
      tokenHash,
    ]);
  }

  /** The live package of a link token, locked: not downloaded, not expired. */
  async lockByToken(manager: EntityManager, tokenHash: string) {
    const rows: Row[] = await manager.query(
      `SELECT ${COLUMNS} FROM export_package WHERE token_hash = $1 AND package_key IS NOT NULL FOR UPDATE`,
      [tokenHash],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Downloaded or expired: the key and the link go (the ciphertext cannot be opened any more). */
  async close(manager: EntityManager, requestId: string, how: 'downloaded' | 'expired', at: Date) {
    await manager.query(
      `UPDATE export_package SET package_key = NULL, token_hash = NULL, ${how === 'downloaded' ? 'downloaded_at' : 'expired_at'} = $2
        WHERE request_id = $1`,
      [requestId, at],
    );
  }

  /** Packages past their expiry and never downloaded, locked for this tick. */
  async expiredBy(manager: EntityManager, now: Date, limit: number) {
    const rows: Row[] = await manager.query(
      `SELECT ${COLUMNS} FROM export_package WHERE package_key IS NOT NULL AND expires_at <= $1
        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toRow);
  }
}
