import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface UsablePasswordReset {
  id: string;
  tenantId: string;
  userId: string;
}

/** Password reset links. "Usable": mailed (has a token hash), not used, not revoked, not expired. */
@Injectable()
export class PasswordResetRepository {
  async insert(
    manager: EntityManager,
    row: { id: string; tenantId: string; userId: string; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO password_reset (id, tenant_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [row.id, row.tenantId, row.userId, row.createdAt, row.expiresAt],
    );
  }

  /** How many resets were requested for the user since then (caps the mails one address can be sent). */
  async countSince(manager: EntityManager, userId: string, since: Date): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM password_reset WHERE user_id = $1 AND created_at > $2`,
      [userId, since],
    )) as { n: number }[];
    return row.n;
  }

  async revokePending(manager: EntityManager, userId: string, at: Date, except?: string): Promise<void> {
    await manager.query(
      `UPDATE password_reset SET revoked_at = $2
        WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, at, except ?? null],
    );
  }

  async setTokenHash(manager: EntityManager, id: string, hash: Buffer, now: Date): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE password_reset SET token_hash = $2
        WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3`,
      [id, hash, now],
    )) as [unknown, number];
    return affected > 0;
  }

  async findUsable(manager: EntityManager, hash: Buffer, now: Date): Promise<UsablePasswordReset | null> {
    const [row] = (await manager.query(
      `SELECT id, tenant_id, user_id FROM password_reset
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        FOR UPDATE`,
      [hash, now],
    )) as { id: string; tenant_id: string; user_id: string }[];
    return row ? { id: row.id, tenantId: row.tenant_id, userId: row.user_id } : null;
  }

  async markUsed(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE password_reset SET used_at = $2 WHERE id = $1`, [id, at]);
  }
}
