import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Anonymous usage counts, computed from content's own events: counters per (organisation, tool,
 * metric) and per pair of tools used together by one client. Numbers and tool ids only: no client
 * id, no assignment id, nothing that points back at a person.
 */
export class ContentUsageCounts1764000000300 implements MigrationInterface {
  name = 'ContentUsageCounts1764000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE usage_count (
        tenant_id uuid NOT NULL,
        tool_id uuid NOT NULL,
        metric text NOT NULL CONSTRAINT usage_count_metric_check CHECK (metric IN ('assigned', 'sessions_completed', 'responses')),
        count bigint NOT NULL DEFAULT 0,
        CONSTRAINT usage_count_pkey PRIMARY KEY (tenant_id, tool_id, metric)
      )`);
    await q.query(`
      CREATE TABLE usage_pair (
        tenant_id uuid NOT NULL,
        tool_a uuid NOT NULL,
        tool_b uuid NOT NULL,
        count bigint NOT NULL DEFAULT 0,
        CONSTRAINT usage_pair_pkey PRIMARY KEY (tenant_id, tool_a, tool_b),
        CONSTRAINT usage_pair_order_check CHECK (tool_a < tool_b)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_pair`);
    await q.query(`DROP TABLE usage_count`);
  }
}
