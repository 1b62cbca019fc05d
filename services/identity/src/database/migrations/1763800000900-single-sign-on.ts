import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OIDC single sign-on per organisation.
 *
 * - `tenant_sso_config`: one identity provider per organisation (issuer, client id, the client secret
 *   AES-256-GCM encrypted, never in clear), which roles may sign in through it (professional, client:
 *   never org_admin, enforced here too), whether an unknown e-mail becomes a client account, and
 *   whether it is switched on. `updated_by` is an id fact without a foreign key (erasing that admin
 *   keeps the organisation's setting).
 * - `sso_login_state`: one row per started login, for 10 minutes, used once. Holds only the SHA-256
 *   of the `state`, of the `nonce` and of the browser binding (a cookie the gateway sets at the start),
 *   and the PKCE verifier encrypted. Nothing about a person: an attempt is not yet anyone's.
 * Expand-only: two new tables.
 */
export class SingleSignOn1763800000900 implements MigrationInterface {
  name = 'SingleSignOn1763800000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_sso_config (
        tenant_id uuid CONSTRAINT tenant_sso_config_pkey PRIMARY KEY
          CONSTRAINT tenant_sso_config_tenant_id_fkey REFERENCES tenant (id) ON DELETE CASCADE,
        issuer text NOT NULL CONSTRAINT tenant_sso_config_issuer_check CHECK (char_length(issuer) <= 500),
        client_id text NOT NULL
          CONSTRAINT tenant_sso_config_client_id_check CHECK (char_length(client_id) BETWEEN 1 AND 255),
        client_secret_ciphertext bytea NOT NULL,
        allowed_roles text[] NOT NULL CONSTRAINT tenant_sso_config_allowed_roles_check
          CHECK (cardinality(allowed_roles) > 0 AND allowed_roles <@ ARRAY['professional', 'client']::text[]),
        auto_create_clients boolean NOT NULL DEFAULT false,
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by uuid NOT NULL,
        CONSTRAINT tenant_sso_config_auto_create_clients_check
          CHECK (NOT auto_create_clients OR 'client' = ANY (allowed_roles))
      )`);
    await q.query(`
      CREATE TABLE sso_login_state (
        id uuid CONSTRAINT sso_login_state_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL
          CONSTRAINT sso_login_state_tenant_id_fkey REFERENCES tenant (id) ON DELETE CASCADE,
        state_hash bytea NOT NULL CONSTRAINT sso_login_state_state_hash_key UNIQUE
          CONSTRAINT sso_login_state_state_hash_check CHECK (octet_length(state_hash) = 32),
        binding_hash bytea NOT NULL
          CONSTRAINT sso_login_state_binding_hash_check CHECK (octet_length(binding_hash) = 32),
        nonce_hash bytea NOT NULL
          CONSTRAINT sso_login_state_nonce_hash_check CHECK (octet_length(nonce_hash) = 32),
        code_verifier_ciphertext bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sso_login_state_expires_at_idx ON sso_login_state (expires_at)`);
    await q.query(`CREATE INDEX sso_login_state_tenant_id_idx ON sso_login_state (tenant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sso_login_state`);
    await q.query(`DROP TABLE tenant_sso_config`);
  }
}
