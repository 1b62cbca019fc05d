import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityCore1763800000100 implements MigrationInterface {
  name = 'IdentityCore1763800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant (
        id uuid CONSTRAINT tenant_pkey PRIMARY KEY,
        slug text NOT NULL CONSTRAINT tenant_slug_key UNIQUE,
        name text NOT NULL,
        region text NOT NULL CONSTRAINT tenant_region_check CHECK (region IN ('eea', 'uk')),
        professional_seats integer NOT NULL CONSTRAINT tenant_professional_seats_check CHECK (professional_seats > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_account (
        id uuid CONSTRAINT user_account_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL CONSTRAINT user_account_tenant_id_fkey REFERENCES tenant (id),
        email text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL CONSTRAINT user_account_role_check CHECK (role IN ('org_admin', 'professional', 'client', 'platform_staff')),
        status text NOT NULL CONSTRAINT user_account_status_check CHECK (status IN ('invited', 'active', 'deactivated')),
        password_hash text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT user_account_tenant_id_email_key UNIQUE (tenant_id, email)
      )`);
    await q.query(`
      CREATE TABLE session (
        id uuid CONSTRAINT session_pkey PRIMARY KEY,
        token_hash bytea NOT NULL CONSTRAINT session_token_hash_key UNIQUE,
        user_id uuid NOT NULL CONSTRAINT session_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX session_user_id_idx ON session (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session`);
    await q.query(`DROP TABLE user_account`);
    await q.query(`DROP TABLE tenant`);
  }
}
