import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface UsableInvitation {
  id: string;
  tenantId: string;
  userId: string;
}

/** Invitation links. "Usable": mailed (has a token hash), not used, not revoked, not expired. */
@Injectable()
export class InvitationsRepository {
  async insert(
    manager: EntityManager,
    row: {
      id: string;
      tenantId: string;
      userId: string;
      invitedBy: string | null;
      createdAt: Date;
      expiresAt: Date;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO invitation (id, tenant_id, user_id, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, row.tenantId, row.userId, row.invitedBy, row.createdAt, row.expiresAt],
    );
  }

  /** Ends every pending invitation of the user (a new one replaces them, or one was just used). */
  async revokePending(manager: EntityManager, userId: string, at: Date, except?: string): Promise<void> {
    await manager.query(
      `UPDATE invitation SET revoked_at = $2
        WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, at, except ?? null],
    );
  }

  /** Gives a pending, unexpired invitation the hash of the token about to be mailed; false if it is no longer pending. */
  async setTokenHash(manager: EntityManager, id: string, hash: Buffer, now: Date): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE invitation SET token_hash = $2
        WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3`,
      [id, hash, now],
    )) as [unknown, number];
    return affected > 0;
  }

  /** The usable invitation with this token hash, locked until the caller's transaction ends. */
  async findUsable(manager: EntityManager, hash: Buffer, now: Date): Promise<UsableInvitation | null> {
    const [row] = (await manager.query(
      `SELECT id, tenant_id, user_id FROM invitation
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        FOR UPDATE`,
      [hash, now],
    )) as { id: string; tenant_id: string; user_id: string }[];
    return row ? { id: row.id, tenantId: row.tenant_id, userId: row.user_id } : null;
  }

  async markUsed(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE invitation SET used_at = $2 WHERE id = $1`, [id, at]);
  }
}
