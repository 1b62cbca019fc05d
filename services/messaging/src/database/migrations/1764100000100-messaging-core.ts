import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `person` and `erased_subject` come from libs/people-directory (its migration runs first).
 * - `conversation`: one per (client, professional) pair; its data (messages) belongs to the client.
 * - `message`: the body sealed with the client's data key (libs/data-protection), never in clear.
 *   `(sender_id, client_message_id)` is the idempotency key of a send; `seq` orders a conversation
 *   (sends are serialised per conversation, so seq order is commit order) and carries read markers.
 * - `participant`: per conversation and participant, read marker, when they last looked, and when they
 *   were last notified by e-mail (the throttle).
 * - `notification_preference`: a user's choice to get e-mail notices (none stored: on).
 * - `presence`: open live streams (SSE), refreshed by heartbeats, so that any replica can tell whether
 *   the recipient is reading right now.
 */
export class MessagingCore1764100000100 implements MigrationInterface {
  name = 'MessagingCore1764100000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE conversation (
        id uuid CONSTRAINT conversation_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL,
        professional_id uuid NOT NULL,
        started_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_message_at timestamptz,
        CONSTRAINT conversation_client_id_professional_id_key UNIQUE (client_id, professional_id),
        CONSTRAINT conversation_participants_check CHECK (client_id <> professional_id)
      )`);
    // A professional's list (the client's list uses the unique key's leading column).
    await q.query(
      `CREATE INDEX conversation_professional_id_idx ON conversation (professional_id, last_message_at DESC NULLS LAST)`,
    );
    await q.query(`
      CREATE TABLE message (
        id uuid CONSTRAINT message_pkey PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT message_seq_key UNIQUE,
        conversation_id uuid NOT NULL
          CONSTRAINT message_conversation_id_fkey REFERENCES conversation (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        sender_id uuid NOT NULL,
        client_message_id uuid NOT NULL,
        body_sealed bytea NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT message_sender_id_client_message_id_key UNIQUE (sender_id, client_message_id)
      )`);
    await q.query(`CREATE INDEX message_conversation_id_seq_idx ON message (conversation_id, seq)`);
    await q.query(`
      CREATE TABLE participant (
        conversation_id uuid NOT NULL
          CONSTRAINT participant_conversation_id_fkey REFERENCES conversation (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        last_read_seq bigint NOT NULL DEFAULT 0,
        last_read_at timestamptz,
        last_seen_at timestamptz,
        last_notified_at timestamptz,
        CONSTRAINT participant_pkey PRIMARY KEY (conversation_id, user_id)
      )`);
    await q.query(`CREATE INDEX participant_user_id_idx ON participant (user_id)`);
    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid CONSTRAINT notification_preference_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        email_enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE presence (
        stream_id uuid CONSTRAINT presence_pkey PRIMARY KEY,
        user_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        replica text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX presence_user_id_idx ON presence (user_id, heartbeat_at)`);
    await q.query(`CREATE INDEX presence_replica_idx ON presence (replica)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE presence`);
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE participant`);
    await q.query(`DROP TABLE message`);
    await q.query(`DROP TABLE conversation`);
  }
}
