import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Notification preferences and what the notification rules read about the recipient. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user's choice; null when they never chose (notices are on). */
  async emailEnabled(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean | null> {
    const rows: { email_enabled: boolean }[] = await manager.query(
      `SELECT email_enabled FROM notification_preference WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? rows[0].email_enabled : null;
  }

  async setEmailEnabled(tenantId: string, userId: string, enabled: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_preference (user_id, tenant_id, email_enabled) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET email_enabled = EXCLUDED.email_enabled, updated_at = now()
       WHERE notification_preference.tenant_id = EXCLUDED.tenant_id`,
      [userId, tenantId, enabled],
    );
  }

  /** Whether any replica holds a live stream of the user whose heartbeat is recent. */
  async streamOpen(manager: EntityManager, userId: string, freshSeconds: number, at: Date): Promise<boolean> {
    const rows: { open: boolean }[] = await manager.query(
      `SELECT EXISTS (
         SELECT 1 FROM presence WHERE user_id = $1 AND heartbeat_at > $3::timestamptz - make_interval(secs => $2)
       ) AS open`,
      [userId, freshSeconds, at],
    );
    return rows[0]?.open === true;
  }

  /** Deletes the user's preference and presence; answers how many preferences went (0 or 1). */
  async deleteOf(manager: EntityManager, userId: string): Promise<number> {
    const [, preferences] = (await manager.query(`DELETE FROM notification_preference WHERE user_id = $1`, [
      userId,
    ])) as [unknown[], number];
    await manager.query(`DELETE FROM presence WHERE user_id = $1`, [userId]);
    return preferences;
  }
}
