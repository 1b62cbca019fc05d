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

  async insert(tenant: Omit<Tenant, 'createdAt'>, manager: EntityManager): Promise<void> {
    await manager.insert(Tenant, tenant);
  }
}
