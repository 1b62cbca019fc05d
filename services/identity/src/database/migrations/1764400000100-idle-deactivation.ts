import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idle accounts (idle-accounts/): an organisation may have accounts that nobody signed in to for N days
 * deactivated, warned by mail a week before. Expand-only:
 * - `tenant.idle_deactivation_days` (NULL: off, the default; else 30–3650) and
 *   `tenant.idle_deactivation_since` (when it was turned on: nobody is counted idle from before that).
 * - `user_account.last_active_at` (the last sign-in, activation or reactivation; NULL: none since this
 *   release, counted from the account's creation) and `user_account.idle_warned_at` (the warning sent,
 *   cleared by the next sign-in).
 * - `mail_outbox.kind` may be `idle_warning` (its `ref_id` the account).
 */
export class IdleDeactivation1764400000100 implements MigrationInterface {
  name = 'IdleDeactivation1764400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenant
        ADD COLUMN idle_deactivation_days integer
          CONSTRAINT tenant_idle_deactivation_days_check CHECK (idle_deactivation_days BETWEEN 30 AND 3650),
        ADD COLUMN idle_deactivation_since timestamptz`);
    await q.query(`
      ALTER TABLE user_account
        ADD COLUMN last_active_at timestamptz,
        ADD COLUMN idle_warned_at timestamptz`);
    // The sweep looks only at the organisations that turned it on.
    await q.query(
      `CREATE INDEX tenant_idle_deactivation_idx ON tenant (id) WHERE idle_deactivation_days IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check
          CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in', 'message_notice', 'outside_access_notice',
                          'idle_warning'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM mail_outbox WHERE kind = 'idle_warning'`);
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check
          CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in', 'message_notice', 'outside_access_notice'))`);
    await q.query(`DROP INDEX tenant_idle_deactivation_idx`);
    await q.query(`ALTER TABLE user_account DROP COLUMN last_active_at, DROP COLUMN idle_warned_at`);
    await q.query(
      `ALTER TABLE tenant DROP COLUMN idle_deactivation_days, DROP COLUMN idle_deactivation_since`,
    );
  }
}
