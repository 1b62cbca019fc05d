import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact history lists accesses by when they happened (occurred_at), not by when audit stored
 * them (position): entries of different services, or redelivered ones, arrive out of order.
 */
export class ContactHistoryByTime1764200000400 implements MigrationInterface {
  name = 'ContactHistoryByTime1764200000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX audit_record_subject_time_idx
         ON audit_record (tenant_id, subject_ps, occurred_at DESC, position DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_record_subject_time_idx`);
  }
}
