import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Tenant } from './tenant.entity';

@Injectable()
export class TenantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findBySlug(slug: string, manager: EntityManager = this.dataSource.manager): Promise<Tenant | null> {
    return manager.findOneBy(Tenant, { slug });
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Tenant | null> {
    return manager.findOneBy(Tenant, { id });
  }

  /** The operator's own organisations (normally one), where platform staff accounts live. */
  findOperators(manager: EntityManager = this.dataSource.manager): Promise<Tenant[]> {
    return manager.findBy(Tenant, { isOperator: true });
  }

  /** The tenant, locked until the caller's transaction ends (serialises licence seat counting). */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<Tenant | null> {
    return manager
      .createQueryBuilder(Tenant, 't')
      .setLock('pessimistic_write')
      .where('t.id = :id', { id })
      .getOne();
  }

  async insert(tenant: Omit<Tenant, 'createdAt'>, manager: EntityManager): Promise<void> {
    await manager.insert(Tenant, tenant);
  }
}
