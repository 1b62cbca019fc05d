import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation's privacy statement, versioned per tenant (1, 2, …; never edited in place), and
 * who acknowledged which version when. `published_by` is an id fact without a foreign key, so erasing
 * the admin who published keeps the organisation's statement. Acknowledgements cascade with the
 * account (erasure). Expand-only: two new tables.
 */
export class PrivacyStatement1763800000700 implements MigrationInterface {
  name = 'PrivacyStatement1763800000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy_statement (
        tenant_id uuid NOT NULL CONSTRAINT privacy_statement_tenant_id_fkey REFERENCES tenant (id) ON DELETE CASCADE,
        version integer NOT NULL CONSTRAINT privacy_statement_version_check CHECK (version > 0),
        text text NOT NULL,
        published_at timestamptz NOT NULL,
        published_by uuid NOT NULL,
        CONSTRAINT privacy_statement_pkey PRIMARY KEY (tenant_id, version)
      )`);
    await q.query(`
      CREATE TABLE privacy_acknowledgement (
        user_id uuid NOT NULL
          CONSTRAINT privacy_acknowledgement_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        version integer NOT NULL,
        acknowledged_at timestamptz NOT NULL,
        CONSTRAINT privacy_acknowledgement_pkey PRIMARY KEY (user_id, version),
        CONSTRAINT privacy_acknowledgement_statement_fkey FOREIGN KEY (tenant_id, version)
          REFERENCES privacy_statement (tenant_id, version) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE privacy_acknowledgement`);
    await q.query(`DROP TABLE privacy_statement`);
  }
}
