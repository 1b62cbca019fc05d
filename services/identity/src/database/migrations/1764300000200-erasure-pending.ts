import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * erasure_pending: an account deactivated because its erasure was scheduled (retention's grace
 * period), with the status it had, so that a cancelled erasure gives back exactly that (and an account
 * an admin had deactivated before stays deactivated). Goes with the account (ON DELETE CASCADE).
 */
export class ErasurePending1764300000200 implements MigrationInterface {
  name = 'ErasurePending1764300000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE erasure_pending (
        user_id uuid CONSTRAINT erasure_pending_pkey PRIMARY KEY
          CONSTRAINT erasure_pending_user_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        request_id uuid NOT NULL,
        previous_status text NOT NULL,
        since timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE erasure_pending`);
  }
}
