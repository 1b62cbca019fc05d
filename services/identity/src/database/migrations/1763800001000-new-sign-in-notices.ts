import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "New sign-in" notices.
 *
 * - `user_device`: the browsers (devices) an account has signed in from, each known only by the
 *   SHA-256 of (user id, a random token in a long-lived cookie): no address, no user agent, no
 *   fingerprint, and the same browser cannot be linked across accounts. Cascades with the account
 *   (erasure). At most a few dozen per account (older ones are pruned at sign-in).
 * - `mail_outbox.kind` may be `new_sign_in` (its `ref_id` is the `user_device` row).
 * Expand-only: a new table and a wider check (the previous release never writes the new kind).
 */
export class NewSignInNotices1763800001000 implements MigrationInterface {
  name = 'NewSignInNotices1763800001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_device (
        id uuid CONSTRAINT user_device_pkey PRIMARY KEY,
        user_id uuid NOT NULL
          CONSTRAINT user_device_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        device_hash bytea NOT NULL CONSTRAINT user_device_device_hash_check CHECK (octet_length(device_hash) = 32),
        first_sign_in_method text NOT NULL
          CONSTRAINT user_device_first_sign_in_method_check CHECK (first_sign_in_method IN ('password', 'sso')),
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        CONSTRAINT user_device_user_id_device_hash_key UNIQUE (user_id, device_hash)
      )`);
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM mail_outbox WHERE kind = 'new_sign_in'`);
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('invitation', 'password_reset'))`);
    await q.query(`DROP TABLE user_device`);
  }
}
