import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SingleUseLinkRepository } from '../common/single-use-link.repository';

/** Password reset links. "Usable": mailed (has a token hash), not used, not revoked, not expired. */
@Injectable()
export class PasswordResetRepository extends SingleUseLinkRepository {
  protected readonly table = 'password_reset' as const;

  /**
   * A new pending link, revoking the user's earlier pending ones; both only when `when` is true, by
   * the same statements either way (a reset request's path must not depend on the account existing).
   */
  async replacePending(
    manager: EntityManager,
    row: { id: string; tenantId: string; userId: string; createdAt: Date; expiresAt: Date },
    when: boolean,
  ): Promise<void> {
    await manager.query(
      `UPDATE password_reset SET revoked_at = $2
        WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND $3::boolean`,
      [row.userId, row.createdAt, when],
    );
    await manager.query(
      `INSERT INTO password_reset (id, tenant_id, user_id, created_at, expires_at)
       SELECT $1, $2, $3, $4, $5 WHERE $6::boolean`,
      [row.id, row.tenantId, row.userId, row.createdAt, row.expiresAt, when],
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
}
