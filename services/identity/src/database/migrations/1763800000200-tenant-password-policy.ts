import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each organisation's own password settings (tightening the platform default). Expand-only: a new
 * column with a constant default, so existing rows read as "{}" (the platform default) and old code
 * that does not know the column keeps working.
 */
export class TenantPasswordPolicy1763800000200 implements MigrationInterface {
  name = 'TenantPasswordPolicy1763800000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenant
        ADD COLUMN password_policy jsonb NOT NULL DEFAULT '{}'::jsonb
        CONSTRAINT tenant_password_policy_check CHECK (jsonb_typeof(password_policy) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant DROP COLUMN password_policy`);
  }
}
