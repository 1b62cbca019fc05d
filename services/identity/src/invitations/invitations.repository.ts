import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SingleUseLinkRepository } from '../common/single-use-link.repository';

/** Invitation links. "Usable": mailed (has a token hash), not used, not revoked, not expired. */
@Injectable()
export class InvitationsRepository extends SingleUseLinkRepository {
  protected readonly table = 'invitation' as const;

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
}
