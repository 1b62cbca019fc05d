import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an organisation lets its clients see after answering a questionnaire (the score and band, or
 * only a thank-you), per tool. Without a row, the tool's own `clientFeedback` applies.
 */
export class ContentClientFeedback1764000000400 implements MigrationInterface {
  name = 'ContentClientFeedback1764000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_feedback_setting (
        tenant_id uuid NOT NULL,
        tool_id uuid NOT NULL CONSTRAINT client_feedback_setting_tool_id_fkey REFERENCES tool (id),
        client_feedback text NOT NULL
          CONSTRAINT client_feedback_setting_client_feedback_check CHECK (client_feedback IN ('score_and_band', 'none')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL,
        CONSTRAINT client_feedback_setting_pkey PRIMARY KEY (tenant_id, tool_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_feedback_setting`);
  }
}
