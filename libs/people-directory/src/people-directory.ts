import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserRole } from '@therapy-room/contracts';

export interface Person {
  id: string;
  tenantId: string;
  role: UserRole | null;
  displayName: string | null;
  status: 'active' | 'deactivated';
  training: boolean;
}

interface PersonRow {
  id: string;
  tenant_id: string;
  role: UserRole | null;
  display_name: string | null;
  status: 'active' | 'deactivated';
  training: boolean;
}
const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  tenantId: r.tenant_id,
  role: r.role,
  displayName: r.display_name,
  status: r.status,
  training: r.training,
});

/** Skips any subject whose id was erased: `NOT EXISTS (…)` guard of every insert. */
const NOT_ERASED = `NOT EXISTS (SELECT 1 FROM erased_subject WHERE id = $1)`;

/**
 * The service's copy of identity's accounts, so it never asks identity. Every write is an upsert:
 * identity's events about one account travel on different topics and may arrive in any order (a
 * status change older than the one stored is ignored). None brings back an erased subject.
 */
@Injectable()
export class PeopleDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Person | null> {
    const rows: PersonRow[] = await manager.query(
      `SELECT id, tenant_id, role, display_name, status, training FROM person WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return rows[0] ? toPerson(rows[0]) : null;
  }

  /** The organisation the person belongs to, whichever it is (erasure checks an event's tenant); null: unknown. */
  async tenantOf(id: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const rows: { tenant_id: string }[] = await manager.query(`SELECT tenant_id FROM person WHERE id = $1`, [
      id,
    ]);
    return rows[0]?.tenant_id ?? null;
  }

  /**
   * Deletes the person (rows referencing them with ON DELETE CASCADE go too) and remembers only the id,
   * also for someone this service never heard of. True when there was a person.
   */
  async erase(manager: EntityManager, id: string): Promise<boolean> {
    await manager.query(`INSERT INTO erased_subject (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [id]);
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = (await manager.query(`DELETE FROM person WHERE id = $1`, [id])) as [
      unknown[],
      number,
    ];
    return affected > 0;
  }

  async registered(
    manager: EntityManager,
    p: { id: string; tenantId: string; role: UserRole; training: boolean },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO person (id, tenant_id, role, training) SELECT $1, $2, $3, $4 WHERE ${NOT_ERASED}
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
      `INSERT INTO person (id, tenant_id, display_name) SELECT $1, $2, $3 WHERE ${NOT_ERASED}
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
      `INSERT INTO person (id, tenant_id, status, status_changed_at) SELECT $1, $2, $3, $4 WHERE ${NOT_ERASED}
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at
       WHERE person.tenant_id = EXCLUDED.tenant_id AND person.status_changed_at <= EXCLUDED.status_changed_at`,
      [p.id, p.tenantId, p.status, p.at],
    );
  }
}
