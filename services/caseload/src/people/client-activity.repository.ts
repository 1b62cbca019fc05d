import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A client's last activity, kept on the people directory's person row and on their caseload rows. */
@Injectable()
export class ClientActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  async lastActivityOf(clientId: string): Promise<Date | null> {
    const rows: { last_activity_at: Date | null }[] = await this.dataSource.query(
      `SELECT last_activity_at FROM person WHERE id = $1`,
      [clientId],
    );
    return rows[0]?.last_activity_at ?? null;
  }
}
