import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An organisation's own retention of its audit log, in years (NEN 7513: at least 5; longer allowed). */
export class TenantRetention1764200000300 implements MigrationInterface {
  name = 'TenantRetention1764200000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_retention (
        tenant_id uuid CONSTRAINT tenant_retention_pkey PRIMARY KEY,
        years integer NOT NULL CONSTRAINT tenant_retention_years_check CHECK (years BETWEEN 5 AND 100),
        changed_at timestamptz NOT NULL,
        changed_by uuid NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenant_retention`);
  }
}
