import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "You have a new message in your therapy room" mails (message-notices/): `mail_outbox.kind` may be
 * `message_notice`, its `ref_id` the conversation (an id only; the mail never names it). Expand-only:
 * a wider check (the previous release never writes the new kind). Timestamp from messaging's range.
 */
export class MessageNoticeMails1764100000900 implements MigrationInterface {
  name = 'MessageNoticeMails1764100000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check
          CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in', 'message_notice'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM mail_outbox WHERE kind = 'message_notice'`);
    await q.query(`
      ALTER TABLE mail_outbox
        DROP CONSTRAINT mail_outbox_kind_check,
        ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('invitation', 'password_reset', 'new_sign_in'))`);
  }
}
