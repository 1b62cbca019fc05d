import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account protection (issue 10).
 *
 * - `login_account_throttle`: failed-login counters per account across addresses. `device_hash`
 *   empty is the account's shared pool (every browser it does not know, from any address); a
 *   32-byte `device_hash` is the counter of one browser that has signed in to the account before
 *   (the hash `user_device` keeps). Short-lived rows, pruned like the other throttle counters.
 * - `staff_access_grant.ended_at`: when identity announced the grant's end
 *   (`identity.staff-grant.ended.v1`, once per grant: on revocation, or by the expiry sweep when
 *   `valid_until` has passed). The partial index is what the sweep reads.
 * - `user_recovery_code.lookup_tag`: 16 bits of a keyed HMAC of the code, distinct within a user's
 *   set, so that a typed code is checked against one argon2 hash. Codes issued before have none and
 *   are checked as before until the user enrols again (a hash cannot be turned into a tag).
 * - `tenant_sso_config.mfa_acr_values`: the provider's `acr` values that mean multi-factor
 *   (constant default: none, so `amr` alone counts as before this column).
 *
 * Expand-only: nullable columns, new indexes; the previous release never reads or writes them.
 */
export class AccountProtection1764200000100 implements MigrationInterface {
  name = 'AccountProtection1764200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_account_throttle (
        account_key bytea NOT NULL
          CONSTRAINT login_account_throttle_account_key_check CHECK (octet_length(account_key) = 32),
        device_hash bytea NOT NULL
          CONSTRAINT login_account_throttle_device_hash_check CHECK (octet_length(device_hash) IN (0, 32)),
        tenant_id uuid,
        failures integer NOT NULL DEFAULT 0
          CONSTRAINT login_account_throttle_failures_check CHECK (failures >= 0),
        last_failure_at timestamptz,
        blocked_until timestamptz,
        CONSTRAINT login_account_throttle_pkey PRIMARY KEY (account_key, device_hash)
      )`);
    await q.query(
      `CREATE INDEX login_account_throttle_last_failure_at_idx ON login_account_throttle (last_failure_at)`,
    );
    await q.query(`ALTER TABLE staff_access_grant ADD COLUMN ended_at timestamptz`);
    await q.query(`
      CREATE INDEX staff_access_grant_unended_valid_until_idx ON staff_access_grant (valid_until)
        WHERE status = 'approved' AND ended_at IS NULL`);
    await q.query(`
      ALTER TABLE user_recovery_code
        ADD COLUMN lookup_tag integer
          CONSTRAINT user_recovery_code_lookup_tag_check CHECK (lookup_tag BETWEEN 0 AND 65535),
        ADD CONSTRAINT user_recovery_code_user_id_lookup_tag_key UNIQUE (user_id, lookup_tag)`);
    await q.query(`ALTER TABLE tenant_sso_config ADD COLUMN mfa_acr_values text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant_sso_config DROP COLUMN mfa_acr_values`);
    await q.query(`DROP TABLE login_account_throttle`);
    await q.query(`
      ALTER TABLE user_recovery_code
        DROP CONSTRAINT user_recovery_code_user_id_lookup_tag_key, DROP COLUMN lookup_tag`);
    await q.query(`DROP INDEX staff_access_grant_unended_valid_until_idx`);
    await q.query(`ALTER TABLE staff_access_grant DROP COLUMN ended_at`);
  }
}
