import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SingleUseLinkRepository } from '../common/single-use-link.repository';

/** Password reset links. "Usable": mailed (has a token hash), not used, not revoked, not expired. */
@Injectable()
export class PasswordResetRepository extends SingleUseLinkRepository {
  protected readonly table = 'password_reset' as const;

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
}
