import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TOTP second factor. `user_totp` holds the shared secret AES-256-GCM encrypted (never in clear),
 * `confirmed_at` null while enrolment is pending, and the last accepted time step (replay refusal).
 * Recovery codes are argon2id hashes, each used once. `login_challenge` is the short-lived token
 * between a correct password and the second factor (its SHA-256 only), bound to user and address.
 * Expand-only: a new tenant column with a constant default, three new tables.
 */
export class TwoFactor1763800000600 implements MigrationInterface {
  name = 'TwoFactor1763800000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tenant ADD COLUMN require_2fa_for_professionals boolean NOT NULL DEFAULT false`,
    );
    await q.query(`
      CREATE TABLE user_totp (
        user_id uuid CONSTRAINT user_totp_pkey PRIMARY KEY
          CONSTRAINT user_totp_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        secret_ciphertext bytea NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_recovery_code (
        id uuid CONSTRAINT user_recovery_code_pkey PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT user_recovery_code_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX user_recovery_code_user_id_idx ON user_recovery_code (user_id)`);
    await q.query(`
      CREATE TABLE login_challenge (
        id uuid CONSTRAINT login_challenge_pkey PRIMARY KEY,
        token_hash bytea NOT NULL CONSTRAINT login_challenge_token_hash_key UNIQUE,
        user_id uuid NOT NULL CONSTRAINT login_challenge_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        purpose text NOT NULL CONSTRAINT login_challenge_purpose_check CHECK (purpose IN ('verify', 'enrol')),
        source_address inet NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_challenge_user_id_idx ON login_challenge (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_challenge`);
    await q.query(`DROP TABLE user_recovery_code`);
    await q.query(`DROP TABLE user_totp`);
    await q.query(`ALTER TABLE tenant DROP COLUMN require_2fa_for_professionals`);
  }
}
