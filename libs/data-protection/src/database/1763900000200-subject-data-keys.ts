import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One data key per subject (client), wrapped with a region master key. Deleting the row is what makes
 * every copy of the subject's encrypted data unreadable, backups included (crypto-shredding).
 */
export class SubjectDataKeys1763900000200 implements MigrationInterface {
  name = 'SubjectDataKeys1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subject_data_key (
        subject_id uuid CONSTRAINT subject_data_key_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        master_key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subject_data_key`);
  }
}
