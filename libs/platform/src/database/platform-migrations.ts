import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every service with a database has, in its own schema (the connection's
 * search_path). The service's data source runs it before the service's own migrations (createDataSource).
 */
export class PlatformOutboxInbox1763800000000 implements MigrationInterface {
  name = 'PlatformOutboxInbox1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT outbox_pkey PRIMARY KEY,
        event_id uuid NOT NULL CONSTRAINT outbox_event_id_key UNIQUE,
        topic text NOT NULL,
        message_key text NOT NULL,
        message text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        parked_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (seq) WHERE parked_at IS NULL`);
    await q.query(`
      CREATE TABLE inbox (
        event_id uuid CONSTRAINT inbox_pkey PRIMARY KEY,
        topic text NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX inbox_handled_at_idx ON inbox (handled_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TABLE outbox`);
  }
}
