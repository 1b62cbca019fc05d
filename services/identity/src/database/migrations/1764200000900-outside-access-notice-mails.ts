import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Someone from outside your care team viewed your record" mails (access-notices/): `mail_outbox.kind`
 * may be `outside_access_notice`, its `ref_id` the audit event that made it due (an id only). Expand-only.
 * Timestamp from audit's range.
 */
export class OutsideAccessNoticeMails1764200000900 implements MigrationInterface {
  name = 'OutsideAccessNoticeMails1764200000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check
          CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in', 'message_notice', 'outside_access_notice'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM mail_outbox WHERE kind = 'outside_access_notice'`);
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check
          CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in', 'message_notice'))`);
  }
}
