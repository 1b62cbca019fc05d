import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { changedRows } from '@therapy-room/platform';

/** Days between the warning mail and the deactivation. */
export const IDLE_WARNING_DAYS = 7;

export interface IdleAccount {
  id: string;
  tenantId: string;
}

/**
 * An account's idle clock starts at its last sign-in, activation or reactivation (its creation when it
 * has none), and never before its organisation turned the rule on. Organisation admins are exempt (an
 * organisation always keeps a way in); so are platform staff, whose accounts are the operator's.
 */
const IDLE_FROM = `greatest(coalesce(u.last_active_at, u.created_at), t.idle_deactivation_since)`;
const CANDIDATES = `
  FROM user_account u JOIN tenant t ON t.id = u.tenant_id
 WHERE t.idle_deactivation_days IS NOT NULL AND u.status = 'active'
   AND u.role NOT IN ('org_admin', 'platform_staff')`;

/** The only file with queries for idle accounts and the organisation's idle rule. */
@Injectable()
export class IdleAccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async settings(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ days: number | null; since: Date | null }> {
    const [row]: { days: number | null; since: Date | null }[] = await manager.query(
      `SELECT idle_deactivation_days AS days, idle_deactivation_since AS since FROM tenant WHERE id = $1`,
      [tenantId],
    );
    return row ?? { days: null, since: null };
  }

  /**
   * Sets the rule. Turning it on (or off) starts every account's idle count afresh from now and voids
   * the warnings sent: nobody is deactivated on a warning given under another rule's count.
   */
  async setSettings(manager: EntityManager, tenantId: string, days: number | null, now: Date): Promise<void> {
    const turned = await changedRows<{ id: string }>(
      manager,
      `UPDATE tenant SET idle_deactivation_days = $2,
              idle_deactivation_since = CASE WHEN $2::int IS NULL THEN NULL
                                             ELSE coalesce(idle_deactivation_since, $3) END
        WHERE id = $1 AND (idle_deactivation_days IS NULL) <> ($2::int IS NULL)
        RETURNING id`,
      [tenantId, days, now],
    );
    if (turned.length) {
      await manager.query(`UPDATE user_account SET idle_warned_at = NULL WHERE tenant_id = $1`, [tenantId]);
    } else {
      await manager.query(`UPDATE tenant SET idle_deactivation_days = $2 WHERE id = $1`, [tenantId, days]);
    }
  }

  /** One replica sweeps at a time: false when another holds the lock (this transaction's). */
  async tryLock(manager: EntityManager): Promise<boolean> {
    const [row]: { locked: boolean }[] = await manager.query(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('identity-idle-sweep', 0)) AS locked`,
    );
    return row.locked;
  }

  /** Accounts idle for their organisation's days less a week, not warned yet: marked warned now. */
  warnDue(manager: EntityManager, now: Date, limit: number): Promise<IdleAccount[]> {
    return changedRows<IdleAccount>(
      manager,
      `UPDATE user_account SET idle_warned_at = $1::timestamptz
        WHERE id IN (SELECT u.id ${CANDIDATES}
                        AND u.idle_warned_at IS NULL
                        AND ${IDLE_FROM} <= $1::timestamptz - make_interval(days => t.idle_deactivation_days - ${IDLE_WARNING_DAYS})
                      ORDER BY u.id LIMIT $2 FOR UPDATE OF u SKIP LOCKED)
        RETURNING id, tenant_id AS "tenantId"`,
      [now, limit],
    );
  }

  /**
   * Accounts idle for their organisation's days and warned at least a week ago (a late sweep never
   * shortens the notice): deactivated now, their warning spent.
   */
  deactivateDue(manager: EntityManager, now: Date, limit: number): Promise<IdleAccount[]> {
    return changedRows<IdleAccount>(
      manager,
      `UPDATE user_account SET status = 'deactivated', idle_warned_at = NULL
        WHERE id IN (SELECT u.id ${CANDIDATES}
                        AND u.idle_warned_at <= $1::timestamptz - make_interval(days => ${IDLE_WARNING_DAYS})
                        AND ${IDLE_FROM} <= $1::timestamptz - make_interval(days => t.idle_deactivation_days)
                      ORDER BY u.id LIMIT $2 FOR UPDATE OF u SKIP LOCKED)
        RETURNING id, tenant_id AS "tenantId"`,
      [now, limit],
    );
  }

  /** When a warned account will be deactivated at the earliest (for its mail); null: not warned or not active. */
  async deactivationDate(manager: EntityManager, userId: string): Promise<Date | null> {
    const [row]: { at: Date }[] = await manager.query(
      `SELECT greatest(u.idle_warned_at + make_interval(days => ${IDLE_WARNING_DAYS}),
                       ${IDLE_FROM} + make_interval(days => t.idle_deactivation_days)) AS at
         FROM user_account u JOIN tenant t ON t.id = u.tenant_id
        WHERE u.id = $1 AND u.status = 'active' AND u.idle_warned_at IS NOT NULL
          AND t.idle_deactivation_days IS NOT NULL`,
      [userId],
    );
    return row ? new Date(row.at) : null;
  }
}
