import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The library: a tool (module, diary, questionnaire) with its revisions. A platform tool has no
 * tenant (every organisation sees it); an organisation's own tool has one. A revision is never
 * changed once published: assignments point at the revision they were given.
 */
export class ContentLibrary1764000000100 implements MigrationInterface {
  name = 'ContentLibrary1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tool (
        id uuid CONSTRAINT tool_pkey PRIMARY KEY,
        -- Null: platform content, shared by every organisation.
        tenant_id uuid,
        key text NOT NULL,
        kind text NOT NULL CONSTRAINT tool_kind_check CHECK (kind IN ('module', 'diary', 'questionnaire')),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid
      )`);
    await q.query(`CREATE UNIQUE INDEX tool_platform_key_key ON tool (key) WHERE tenant_id IS NULL`);
    await q.query(
      `CREATE UNIQUE INDEX tool_tenant_key_key ON tool (tenant_id, key) WHERE tenant_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE tool_revision (
        id uuid CONSTRAINT tool_revision_pkey PRIMARY KEY,
        tool_id uuid NOT NULL CONSTRAINT tool_revision_tool_id_fkey REFERENCES tool (id),
        revision integer NOT NULL CONSTRAINT tool_revision_revision_check CHECK (revision >= 1),
        title text NOT NULL,
        definition jsonb NOT NULL,
        -- SHA-256 of the canonical definition: publishing the same content twice adds no revision.
        checksum text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by uuid,
        CONSTRAINT tool_revision_tool_revision_key UNIQUE (tool_id, revision)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tool_revision`);
    await q.query(`DROP TABLE tool`);
  }
}
