import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account protection (issue 10).
 *
 * - `staff_access_grant.ended_at`: when identity announced the grant's end
 *   (`identity.staff-grant.ended.v1`, once per grant: on revocation, or by the expiry sweep when
 *   `valid_until` has passed). The partial index is what the sweep reads.
 * - `user_recovery_code.lookup_tag`: 16 bits of a keyed HMAC of the code, distinct within a user's
 *   set, so that a typed code is checked against one argon2 hash. Codes issued before have none and
 *   are checked as before until the user enrols again (a hash cannot be turned into a tag).
 *
 * Expand-only: nullable columns, new indexes; the previous release never reads or writes them.
 */
export class AccountProtection1764200000100 implements MigrationInterface {
  name = 'AccountProtection1764200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_access_grant ADD COLUMN ended_at timestamptz`);
    await q.query(`
      CREATE INDEX staff_access_grant_unended_valid_until_idx ON staff_access_grant (valid_until)
        WHERE status = 'approved' AND ended_at IS NULL`);
    await q.query(`
      ALTER TABLE user_recovery_code
        ADD COLUMN lookup_tag integer
          CONSTRAINT user_recovery_code_lookup_tag_check CHECK (lookup_tag BETWEEN 0 AND 65535),
        ADD CONSTRAINT user_recovery_code_user_id_lookup_tag_key UNIQUE (user_id, lookup_tag)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE user_recovery_code
        DROP CONSTRAINT user_recovery_code_user_id_lookup_tag_key, DROP COLUMN lookup_tag`);
    await q.query(`DROP INDEX staff_access_grant_unended_valid_until_idx`);
    await q.query(`ALTER TABLE staff_access_grant DROP COLUMN ended_at`);
  }
}
