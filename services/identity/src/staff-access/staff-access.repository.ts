import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { StaffAccessGrant, type StaffAccessGrantStatus } from './staff-access-grant.entity';

/** The queries of staff access: grants, and the acting tenant of a staff session. */
@Injectable()
export class StaffAccessRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(grant: StaffAccessGrant, manager: EntityManager): Promise<void> {
    await manager.insert(StaffAccessGrant, grant);
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<StaffAccessGrant | null> {
    return manager.findOneBy(StaffAccessGrant, { id });
  }

  /** The grant, locked until the caller's transaction ends (decisions cannot race). */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<StaffAccessGrant | null> {
    return manager
      .createQueryBuilder(StaffAccessGrant, 'g')
      .setLock('pessimistic_write')
      .where('g.id = :id', { id })
      .getOne();
  }

  async update(id: string, changes: Partial<StaffAccessGrant>, manager: EntityManager): Promise<void> {
    await manager.update(StaffAccessGrant, { id }, changes);
  }

  /** Newest first; one of the two filters (organisation or requester) is always given. */
  list(
    filter: { tenantId: string } | { requesterId: string },
    status?: StaffAccessGrantStatus,
  ): Promise<StaffAccessGrant[]> {
    return this.dataSource.manager.find(StaffAccessGrant, {
      where: { ...filter, ...(status ? { status } : {}) },
      order: { requestedAt: 'DESC' },
      take: 200,
    });
  }
}
