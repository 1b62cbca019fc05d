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

  /** True when this call ended a live session (false when it was already revoked). */
  async revoke(id: string, at: Date, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.update(Session, { id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }
}
