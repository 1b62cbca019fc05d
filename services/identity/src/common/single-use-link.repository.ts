import type { EntityManager } from 'typeorm';

export interface UsableLink {
  id: string;
  tenantId: string;
  userId: string;
}

/**
 * The queries every single-use, expiring link shares (invitations, password resets). Only the token's
 * hash is stored, set when the mail is sent. "Usable": has a hash, not used, not revoked, not expired.
 */
export abstract class SingleUseLinkRepository {
  protected abstract readonly table: 'invitation' | 'password_reset';

  /** Ends every pending link of the user (a new one replaces them, or one was just used). */
  async revokePending(manager: EntityManager, userId: string, at: Date, except?: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.table} SET revoked_at = $2
        WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, at, except ?? null],
    );
  }

  /** Gives a pending, unexpired link the hash of the token about to be mailed; false if it is no longer pending. */
  async setTokenHash(manager: EntityManager, id: string, hash: Buffer, now: Date): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE ${this.table} SET token_hash = $2
        WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3`,
      [id, hash, now],
    )) as [unknown, number];
    return affected > 0;
  }

  /** The usable link with this token hash, locked until the caller's transaction ends. */
  async findUsable(manager: EntityManager, hash: Buffer, now: Date): Promise<UsableLink | null> {
    const [row] = (await manager.query(
      `SELECT id, tenant_id, user_id FROM ${this.table}
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        FOR UPDATE`,
      [hash, now],
    )) as { id: string; tenant_id: string; user_id: string }[];
    return row ? { id: row.id, tenantId: row.tenant_id, userId: row.user_id } : null;
  }

  async markUsed(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET used_at = $2 WHERE id = $1`, [id, at]);
  }
}
