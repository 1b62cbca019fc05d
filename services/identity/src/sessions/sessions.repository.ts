import { changedRows } from '@therapy-room/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Session } from './session.entity';
import { UserAccount } from '../users/user-account.entity';

@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(session: Session, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(Session, session);
  }

  /** The live (not revoked) session for a token hash, with its user. */
  async findLive(tokenHash: Buffer): Promise<{ session: Session; user: UserAccount } | null> {
    const session = await this.dataSource.manager.findOneBy(Session, { tokenHash, revokedAt: IsNull() });
    if (!session) return null;
    const user = await this.dataSource.manager.findOneBy(UserAccount, { id: session.userId });
    return user ? { session, user } : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.dataSource.manager.update(Session, { id }, { lastSeenAt: at });
  }

  /**
   * Revokes every live (not revoked, not expired) session of a user, except one if given, and returns
   * the ones this call ended. Rows stay locked until the caller's transaction ends.
   */
  async revokeAllForUser(
    userId: string,
    at: Date,
    manager: EntityManager,
    except?: string,
  ): Promise<{ id: string; tenantId: string }[]> {
    const rows = await changedRows<{ id: string; tenant_id: string }>(
      manager,
      `UPDATE session SET revoked_at = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND ($3::uuid IS NULL OR id <> $3::uuid)
        RETURNING id, tenant_id`,
      [userId, at, except ?? null],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  /** Ends every live session acting under a staff access grant (its grant ended). */
  async revokeAllForGrant(grantId: string, at: Date, manager: EntityManager): Promise<number> {
    const [, count] = (await manager.query(
      `UPDATE session SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL`,
      [grantId, at],
    )) as [unknown, number];
    return count;
  }

  /** The live session with this id (for rotation), locked until the caller's transaction ends. */
  findLiveById(id: string, manager: EntityManager): Promise<Session | null> {
    return manager
      .createQueryBuilder(Session, 's')
      .setLock('pessimistic_write')
      .where('s.id = :id AND s.revoked_at IS NULL', { id })
      .getOne();
  }

  /** True when this call ended a live session (false when it was already revoked). */
  async revoke(id: string, at: Date, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.update(Session, { id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }
}
