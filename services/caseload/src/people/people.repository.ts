import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserRole } from '@therapy-room/contracts';

export interface Person {
  id: string;
  tenantId: string;
  role: UserRole | null;
  displayName: string | null;
  status: 'active' | 'deactivated';
  lastActivityAt: Date | null;
}

interface PersonRow {
  id: string;
  tenant_id: string;
  role: UserRole | null;
  display_name: string | null;
  status: 'active' | 'deactivated';
  last_activity_at: Date | null;
}
const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  tenantId: r.tenant_id,
  role: r.role,
  displayName: r.display_name,
  status: r.status,
  lastActivityAt: r.last_activity_at,
});

/**
 * Caseload's copy of identity's accounts. Every write is an upsert: identity's events about one
 * account arrive on different topics, so a profile or a deactivation may come before the registration.
 * None brings back an erased subject.
 */
@Injectable()
export class PeopleRepository {
  constructor(private readonly dataSource: DataSource) {}

  async registered(
    manager: EntityManager,
    p: { id: string; tenantId: string; role: UserRole; training: boolean },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO person (id, tenant_id, role, training)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM erased_subject WHERE id = $1)
       ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, training = EXCLUDED.training
       WHERE person.tenant_id = EXCLUDED.tenant_id`,
      [p.id, p.tenantId, p.role, p.training],
    );
  }

  async profileChanged(
    manager: EntityManager,
    p: { id: string; tenantId: string; displayName: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO person (id, tenant_id, display_name)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM erased_subject WHERE id = $1)
       ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name
       WHERE person.tenant_id = EXCLUDED.tenant_id`,
      [p.id, p.tenantId, p.displayName],
    );
  }

  /** Applies a status unless a newer status change is already recorded. */
  async statusChanged(
    manager: EntityManager,
    p: { id: string; tenantId: string; status: 'active' | 'deactivated'; at: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO person (id, tenant_id, status, status_changed_at)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM erased_subject WHERE id = $1)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at
       WHERE person.tenant_id = EXCLUDED.tenant_id AND person.status_changed_at <= EXCLUDED.status_changed_at`,
      [p.id, p.tenantId, p.status, p.at],
    );
  }

  /**
   * Moves a client's last activity forward only (events may arrive late or twice), with its copies on
   * their open caseload rows (the index a caseload page is read from), in one transaction.
   */
  async active(p: { id: string; tenantId: string; at: string }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [, moved] = (await manager.query(
        `UPDATE person SET last_activity_at = $3
         WHERE id = $1 AND tenant_id = $2 AND role = 'client'
           AND (last_activity_at IS NULL OR last_activity_at < $3)`,
        [p.id, p.tenantId, p.at],
      )) as [unknown[], number];
      if (!moved) return;
      await manager.query(
        `UPDATE assignment SET client_last_activity_at = $2 WHERE client_id = $1 AND ended_at IS NULL`,
        [p.id, p.at],
      );
      await manager.query(
        `UPDATE colleague_link SET client_last_activity_at = $2 WHERE client_id = $1 AND revoked_at IS NULL`,
        [p.id, p.at],
      );
    });
  }

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Person | null> {
    const rows: PersonRow[] = await manager.query(
      `SELECT id, tenant_id, role, display_name, status, last_activity_at FROM person WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return rows[0] ? toPerson(rows[0]) : null;
  }

  /** Deletes the person (their assignments and links go with them) and remembers only the id. */
  async erase(manager: EntityManager, id: string): Promise<boolean> {
    await manager.query(`INSERT INTO erased_subject (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [id]);
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = (await manager.query(`DELETE FROM person WHERE id = $1`, [id])) as [
      unknown[],
      number,
    ];
    return affected > 0;
  }
}
