import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Export packages. A participant's confirmation names its file and checksum (request_participant);
 * when all confirmed, retention packs the documents and a FHIR R4 Bundle into one package sealed
 * (AES-256-GCM) under a fresh key of its own, kept here while the package may be fetched and dropped
 * (crypto-shredded) when it is downloaded or expires. The download link's token is kept as a hash.
 */
export class ExportPackage1764300000200 implements MigrationInterface {
  name = 'ExportPackage1764300000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE request_participant ADD COLUMN file text, ADD COLUMN sha256 text`);
    await q.query(`
      CREATE TABLE export_package (
        request_id uuid CONSTRAINT export_package_pkey PRIMARY KEY
          CONSTRAINT export_package_request_id_fkey REFERENCES subject_request (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        recipient_id uuid NOT NULL,
        package_key bytea,
        bytes integer NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        token_hash text CONSTRAINT export_package_token_hash_key UNIQUE,
        downloaded_at timestamptz,
        expired_at timestamptz,
        CONSTRAINT export_package_key_check CHECK ((package_key IS NULL) = (downloaded_at IS NOT NULL OR expired_at IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX export_package_expiry_idx ON export_package (expires_at) WHERE package_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_package`);
    await q.query(`ALTER TABLE request_participant DROP COLUMN file, DROP COLUMN sha256`);
  }
}
