import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@therapy-room/platform';
import { UserAccount, type UserStatus } from './user-account.entity';

@Injectable()
export class UsersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Includes the password hash (not selected by default). */
  findForLogin(tenantId: string, email: string): Promise<UserAccount | null> {
    return this.dataSource.manager
      .createQueryBuilder(UserAccount, 'u')
      .addSelect('u.passwordHash')
      .where('u.tenant_id = :tenantId AND u.email = :email', { tenantId, email })
      .getOne();
  }

  findInTenant(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserAccount | null> {
    return manager.findOneBy(UserAccount, { tenantId, id });
  }

  /** By id alone: for platform staff, whose session may act in another organisation. */
  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserAccount | null> {
    return manager.findOneBy(UserAccount, { id });
  }

  /** A page of the tenant's accounts: ids, roles and statuses only. */
  async listInTenant(
    tenantId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: Pick<UserAccount, 'id' | 'role' | 'status'>[]; total: number }> {
    const [items, total] = await this.dataSource.manager.findAndCount(UserAccount, {
      select: { id: true, role: true, status: true },
      where: { tenantId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: items.map(({ id, role, status }) => ({ id, role, status })), total };
  }

  emailExists(tenantId: string, email: string, manager: EntityManager): Promise<boolean> {
    return manager.existsBy(UserAccount, { tenantId, email });
  }

  async insert(user: Omit<UserAccount, 'createdAt'>, manager: EntityManager): Promise<void> {
    await manager.insert(UserAccount, user);
  }

  async updatePasswordHash(
    id: string,
    passwordHash: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.update(UserAccount, { id }, { passwordHash });
  }

  /** Includes the password hash (not selected by default). */
  findWithPasswordHash(tenantId: string, id: string): Promise<UserAccount | null> {
    return this.dataSource.manager
      .createQueryBuilder(UserAccount, 'u')
      .addSelect('u.passwordHash')
      .where('u.tenant_id = :tenantId AND u.id = :id', { tenantId, id })
      .getOne();
  }

  /** The account, locked until the caller's transaction ends. */
  findInTenantForUpdate(tenantId: string, id: string, manager: EntityManager): Promise<UserAccount | null> {
    return manager
      .createQueryBuilder(UserAccount, 'u')
      .setLock('pessimistic_write')
      .where('u.tenant_id = :tenantId AND u.id = :id', { tenantId, id })
      .getOne();
  }

  async hasPassword(id: string, manager: EntityManager): Promise<boolean> {
    const user = await manager
      .createQueryBuilder(UserAccount, 'u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    return Boolean(user?.passwordHash);
  }

  /**
   * An account made active (activated, reactivated) counts as active now for the idle rule (its
   * warning, if any, is void): it is not deactivated again the next night.
   */
  async setStatus(id: string, status: UserStatus, manager: EntityManager): Promise<void> {
    if (status === 'active') {
      await manager.query(
        `UPDATE user_account SET status = 'active', last_active_at = $2, idle_warned_at = NULL WHERE id = $1`,
        [id, this.clock.now()],
      );
    } else await manager.update(UserAccount, { id }, { status });
  }

  /** A sign-in: the account is active now, and a warning that it is idle no longer holds. */
  async markSignedIn(id: string, at: Date, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE user_account SET last_active_at = $2, idle_warned_at = NULL WHERE id = $1`, [
      id,
      at,
    ]);
  }

  /**
   * Professional accounts that take a licence seat: invited and active ones. Deactivated accounts do
   * not count (so reactivation, the deactivation feature's job, has to check for a free seat), and
   * training accounts never count.
   */
  async countLicensedProfessionals(tenantId: string, manager: EntityManager): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM user_account
        WHERE tenant_id = $1 AND role = 'professional' AND status IN ('invited', 'active') AND NOT training`,
      [tenantId],
    )) as { n: number }[];
    return row.n;
  }

  /** Training accounts (professionals and clients) that are invited or active. */
  async countTrainingAccounts(tenantId: string, manager: EntityManager): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM user_account
        WHERE tenant_id = $1 AND training AND status IN ('invited', 'active')`,
      [tenantId],
    )) as { n: number }[];
    return row.n;
  }
}
