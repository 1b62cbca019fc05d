import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ContentToolKind } from '@therapy-room/contracts';
import type { ToolDefinition } from './content-definition';

export interface ToolRow {
  id: string;
  tenant_id: string | null;
  key: string;
  kind: ContentToolKind;
}

export interface RevisionRow {
  id: string;
  tool_id: string;
  revision: number;
  title: string;
  definition: ToolDefinition;
  checksum: string;
  published_at: Date;
}

export interface LibraryListRow extends ToolRow {
  revision_id: string;
  revision: number;
  title: string;
  published_at: Date;
}

/** The only file with queries on the library (tool, tool_revision). */
@Injectable()
export class LibraryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Platform tools and the organisation's own, each with its latest revision. */
  async list(tenantId: string, kind?: ContentToolKind): Promise<LibraryListRow[]> {
    return this.dataSource.query(
      `SELECT t.id, t.tenant_id, t.key, t.kind, r.id AS revision_id, r.revision, r.title, r.published_at
         FROM tool t
         JOIN LATERAL (SELECT * FROM tool_revision WHERE tool_id = t.id ORDER BY revision DESC LIMIT 1) r ON true
        WHERE (t.tenant_id IS NULL OR t.tenant_id = $1) AND ($2::text IS NULL OR t.kind = $2)
        ORDER BY t.kind, r.title, t.id`,
      [tenantId, kind ?? null],
    );
  }

  /** A tool the organisation may use (a platform tool or its own); null otherwise. */
  async findVisible(tenantId: string, toolId: string, manager?: EntityManager): Promise<ToolRow | null> {
    const rows: ToolRow[] = await (manager ?? this.dataSource).query(
      `SELECT id, tenant_id, key, kind FROM tool WHERE id = $1 AND (tenant_id IS NULL OR tenant_id = $2)`,
      [toolId, tenantId],
    );
    return rows[0] ?? null;
  }

  async revisions(toolId: string): Promise<{ id: string; revision: number; published_at: Date }[]> {
    return this.dataSource.query(
      `SELECT id, revision, published_at FROM tool_revision WHERE tool_id = $1 ORDER BY revision`,
      [toolId],
    );
  }

  /** One revision of a tool: by number, or the latest. */
  async revision(toolId: string, revision?: number, manager?: EntityManager): Promise<RevisionRow | null> {
    const rows: RevisionRow[] = await (manager ?? this.dataSource).query(
      `SELECT id, tool_id, revision, title, definition, checksum, published_at FROM tool_revision
        WHERE tool_id = $1 AND ($2::int IS NULL OR revision = $2) ORDER BY revision DESC LIMIT 1`,
      [toolId, revision ?? null],
    );
    return rows[0] ?? null;
  }

  async revisionById(revisionId: string, manager?: EntityManager): Promise<RevisionRow | null> {
    const rows: RevisionRow[] = await (manager ?? this.dataSource).query(
      `SELECT id, tool_id, revision, title, definition, checksum, published_at FROM tool_revision WHERE id = $1`,
      [revisionId],
    );
    return rows[0] ?? null;
  }

  /** Several revisions at once (lists, reports), by id. */
  async revisionsByIds(ids: string[], manager?: EntityManager): Promise<Map<string, RevisionRow>> {
    if (!ids.length) return new Map();
    const rows: RevisionRow[] = await (manager ?? this.dataSource).query(
      `SELECT id, tool_id, revision, title, definition, checksum, published_at FROM tool_revision WHERE id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The latest revision number of each tool. */
  async latestRevisions(toolIds: string[]): Promise<Map<string, number>> {
    if (!toolIds.length) return new Map();
    const rows: { tool_id: string; revision: number }[] = await this.dataSource.query(
      `SELECT tool_id, max(revision)::int AS revision FROM tool_revision WHERE tool_id = ANY($1) GROUP BY tool_id`,
      [toolIds],
    );
    return new Map(rows.map((r) => [r.tool_id, r.revision]));
  }

  /** The tool with this key in this scope (null tenant: platform), locked for a new revision; created if new. */
  async lockOrCreateTool(
    manager: EntityManager,
    tool: {
      id: string;
      tenantId: string | null;
      key: string;
      kind: ContentToolKind;
      createdBy: string | null;
    },
  ): Promise<ToolRow> {
    await manager.query(
      tool.tenantId === null
        ? `INSERT INTO tool (id, tenant_id, key, kind, created_by) VALUES ($1, NULL, $2, $3, $4)
           ON CONFLICT (key) WHERE tenant_id IS NULL DO NOTHING`
        : `INSERT INTO tool (id, tenant_id, key, kind, created_by) VALUES ($1, $5, $2, $3, $4)
           ON CONFLICT (tenant_id, key) WHERE tenant_id IS NOT NULL DO NOTHING`,
      tool.tenantId === null
        ? [tool.id, tool.key, tool.kind, tool.createdBy]
        : [tool.id, tool.key, tool.kind, tool.createdBy, tool.tenantId],
    );
    const rows: ToolRow[] = await manager.query(
      `SELECT id, tenant_id, key, kind FROM tool
        WHERE key = $1 AND tenant_id IS NOT DISTINCT FROM $2::uuid FOR UPDATE`,
      [tool.key, tool.tenantId],
    );
    return rows[0];
  }

  async insertRevision(
    manager: EntityManager,
    revision: {
      id: string;
      toolId: string;
      revision: number;
      title: string;
      definition: ToolDefinition;
      checksum: string;
      publishedBy: string | null;
    },
  ): Promise<{ published_at: Date }> {
    const rows: { published_at: Date }[] = await manager.query(
      `INSERT INTO tool_revision (id, tool_id, revision, title, definition, checksum, published_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING published_at`,
      [
        revision.id,
        revision.toolId,
        revision.revision,
        revision.title,
        JSON.stringify(revision.definition),
        revision.checksum,
        revision.publishedBy,
      ],
    );
    return rows[0];
  }

  /** The organisation's choice of what clients see after answering this questionnaire; null: the tool's own. */
  async clientFeedback(tenantId: string, toolId: string): Promise<'score_and_band' | 'none' | null> {
    const rows: { client_feedback: 'score_and_band' | 'none' }[] = await this.dataSource.query(
      `SELECT client_feedback FROM client_feedback_setting WHERE tenant_id = $1 AND tool_id = $2`,
      [tenantId, toolId],
    );
    return rows[0]?.client_feedback ?? null;
  }

  /** The organisation's choices for several tools at once (tools without a choice are absent). */
  async clientFeedbackOf(
    tenantId: string,
    toolIds: string[],
  ): Promise<Map<string, 'score_and_band' | 'none'>> {
    if (!toolIds.length) return new Map();
    const rows: { tool_id: string; client_feedback: 'score_and_band' | 'none' }[] =
      await this.dataSource.query(
        `SELECT tool_id, client_feedback FROM client_feedback_setting WHERE tenant_id = $1 AND tool_id = ANY($2)`,
        [tenantId, toolIds],
      );
    return new Map(rows.map((r) => [r.tool_id, r.client_feedback]));
  }

  async setClientFeedback(
    manager: EntityManager,
    s: { tenantId: string; toolId: string; clientFeedback: 'score_and_band' | 'none'; by: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO client_feedback_setting (tenant_id, tool_id, client_feedback, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, tool_id) DO UPDATE SET client_feedback = EXCLUDED.client_feedback,
         updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [s.tenantId, s.toolId, s.clientFeedback, s.by],
    );
  }
}
