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

  /**
   * What the notice rules read about a send's recipient, in one round trip: their reading and notice
   * times in the conversation, their choice, whether their account is deactivated (the people
   * directory's row), and whether any replica holds a live stream of theirs (recent heartbeat).
   */
  async noticeFacts(
    manager: EntityManager,
    q: { conversationId: string; tenantId: string; recipientId: string; freshSeconds: number; at: Date },
  ): Promise<{
    lastSeenAt: Date | null;
    lastNotifiedAt: Date | null;
    emailEnabled: boolean | null;
    deactivated: boolean;
    streamOpen: boolean;
  }> {
    const [row]: {
      last_seen_at: Date | null;
      last_notified_at: Date | null;
      email_enabled: boolean | null;
      status: string | null;
      stream_open: boolean;
    }[] = await manager.query(
      `SELECT p.last_seen_at, p.last_notified_at,
              (SELECT email_enabled FROM notification_preference WHERE user_id = $2) AS email_enabled,
              (SELECT status FROM person WHERE id = $2 AND tenant_id = $3) AS status,
              EXISTS (
                SELECT 1 FROM presence WHERE user_id = $2 AND heartbeat_at > $5::timestamptz - make_interval(secs => $4)
              ) AS stream_open
         FROM (SELECT 1) one
         LEFT JOIN participant p ON p.conversation_id = $1 AND p.user_id = $2`,
      [q.conversationId, q.recipientId, q.tenantId, q.freshSeconds, q.at],
    );
    return {
      lastSeenAt: row.last_seen_at,
      lastNotifiedAt: row.last_notified_at,
      emailEnabled: row.email_enabled,
      deactivated: row.status === 'deactivated',
      streamOpen: row.stream_open === true,
    };
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
