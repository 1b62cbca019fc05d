import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UserAccount } from './user-account.entity';

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  emailExists(tenantId: string, email: string, manager: EntityManager): Promise<boolean> {
    return manager.existsBy(UserAccount, { tenantId, email });
  }

  async insert(user: Omit<UserAccount, 'createdAt'>, manager: EntityManager): Promise<void> {
    await manager.insert(UserAccount, user);
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.dataSource.manager.update(UserAccount, { id }, { passwordHash });
  }
}
