import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a person was last told that someone from outside their care team viewed their record (at most
 * once a day), by pseudonym: this table names nobody either.
 */
export class OutsideAccessNotice1764200000200 implements MigrationInterface {
  name = 'OutsideAccessNotice1764200000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outside_access_notice (
        tenant_id uuid NOT NULL,
        subject_ps text NOT NULL,
        notified_at timestamptz NOT NULL,
        CONSTRAINT outside_access_notice_pkey PRIMARY KEY (tenant_id, subject_ps)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outside_access_notice`);
  }
}
