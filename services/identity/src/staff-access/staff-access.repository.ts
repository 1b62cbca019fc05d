import { changedRows } from '@therapy-room/platform';
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

  /**
   * Marks approved grants whose time ran out as ended, at most `limit` of them, and returns them.
   * Each grant is claimed once (a concurrent sweep on another replica skips the locked rows and
   * finds `ended_at` set afterwards), so its end is announced exactly once.
   */
  async endExpired(
    now: Date,
    limit: number,
    manager: EntityManager,
  ): Promise<Pick<StaffAccessGrant, 'id' | 'tenantId' | 'requesterId'>[]> {
    const rows = await changedRows<{ id: string; tenant_id: string; requester_id: string }>(
      manager,
      `UPDATE staff_access_grant SET ended_at = $1
        WHERE id IN (
          SELECT id FROM staff_access_grant
           WHERE status = 'approved' AND ended_at IS NULL AND valid_until <= $1
           ORDER BY valid_until LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND ended_at IS NULL
        RETURNING id, tenant_id, requester_id`,
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, requesterId: r.requester_id }));
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
