import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@therapy-room/auth';
import type { ContentToolKind } from '@therapy-room/contracts';
import { AuditedAccess, ValidationException, zodIssuesToFieldErrors } from '@therapy-room/platform';
import { actorKind } from '@therapy-room/auth';
import { forbidden, notFound } from '../common/content.exception';
import { toolDefinitionSchema, type ToolDefinition } from './content-definition';
import type { ContentFile } from './content-files';
import { LibraryRepository } from './library.repository';

export interface PublishResult {
  toolId: string;
  key: string;
  kind: ContentToolKind;
  revisionId: string;
  revision: number;
  /** False when the latest revision already had exactly this content (nothing published). */
  published: boolean;
}

const checksumOf = (definition: ToolDefinition): string =>
  createHash('sha256').update(JSON.stringify(definition)).digest('hex');

/**
 * The library of tools with their revisions. Platform content (the seeds) is shared by every
 * organisation; an organisation's administrators add its own tools. Publishing adds a revision and
 * never changes an existing one, so what a client was given stays as it was.
 */
@Injectable()
export class LibraryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly library: LibraryRepository,
    private readonly audit: AuditedAccess,
  ) {}

  /** Who may browse the library: the people who offer tools (and administrators who add them). */
  private assertBrowser(actor: Actor): void {
    const kind = actorKind(actor);
    if (kind !== 'professional' && kind !== 'org_admin' && kind !== 'staff') {
      throw forbidden('Only professionals and organisation administrators browse the library.');
    }
  }

  async list(actor: Actor, kind?: ContentToolKind) {
    this.assertBrowser(actor);
    const rows = await this.library.list(actor.tenantId, kind);
    return {
      items: rows.map((r) => ({
        id: r.id,
        key: r.key,
        kind: r.kind,
        title: r.title,
        scope: r.tenant_id ? 'organisation' : 'platform',
        revision: r.revision,
        revisionId: r.revision_id,
        publishedAt: new Date(r.published_at).toISOString(),
      })),
    };
  }

  /** A tool's content: the latest revision, or the one asked for; with the list of revisions. */
  async get(actor: Actor, toolId: string, revision?: number) {
    this.assertBrowser(actor);
    const tool = await this.library.findVisible(actor.tenantId, toolId);
    if (!tool) throw notFound();
    const found = await this.library.revision(toolId, revision);
    if (!found) throw notFound();
    const revisions = await this.library.revisions(toolId);
    const clientFeedback =
      tool.kind === 'questionnaire'
        ? await this.effectiveClientFeedback(actor.tenantId, tool.id, found.definition)
        : null;
    return {
      id: tool.id,
      key: tool.key,
      kind: tool.kind,
      scope: tool.tenant_id ? 'organisation' : 'platform',
      revision: found.revision,
      revisionId: found.id,
      publishedAt: new Date(found.published_at).toISOString(),
      revisions: revisions.map((r) => ({
        revision: r.revision,
        revisionId: r.id,
        publishedAt: new Date(r.published_at).toISOString(),
      })),
      definition: found.definition,
      /** Questionnaires: what this organisation's clients see after answering (its choice, or the tool's). */
      clientFeedback,
    };
  }

  /** What clients of the organisation see after answering: its own choice for the tool, else the tool's. */
  async effectiveClientFeedback(
    tenantId: string,
    toolId: string,
    definition: ToolDefinition,
  ): Promise<'score_and_band' | 'none'> {
    const chosen = await this.library.clientFeedback(tenantId, toolId);
    return chosen ?? (definition.kind === 'questionnaire' ? definition.clientFeedback : 'none');
  }

  /** Org admins: what their clients see after answering this questionnaire (the score and band, or not). */
  async setClientFeedback(actor: Actor, toolId: string, clientFeedback: 'score_and_band' | 'none') {
    if (actorKind(actor) !== 'org_admin') {
      throw forbidden("Only the organisation's administrators decide what clients see.");
    }
    const tool = await this.library.findVisible(actor.tenantId, toolId);
    if (!tool) throw notFound();
    if (tool.kind !== 'questionnaire') {
      throw new ValidationException([
        { path: 'toolId', message: `is a ${tool.kind}; only questionnaires have scores` },
      ]);
    }
    await this.dataSource.transaction(async (manager) => {
      await this.library.setClientFeedback(manager, {
        tenantId: actor.tenantId,
        toolId,
        clientFeedback,
        by: actor.userId,
      });
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.publish',
        resource: 'content.tool',
        resourceId: toolId,
        subjectId: null,
        basis: 'organisation_admin',
      });
    });
    return { toolId, clientFeedback };
  }

  /** An organisation's own tool (org admins): a new tool, or a new revision of one with the same key. */
  async publishOwn(actor: Actor, body: { definition: unknown }): Promise<PublishResult> {
    if (actorKind(actor) !== 'org_admin') {
      throw forbidden("Only the organisation's administrators add tools to its library.");
    }
    const parsed = toolDefinitionSchema.safeParse(body.definition);
    if (!parsed.success) {
      throw new ValidationException(
        zodIssuesToFieldErrors(parsed.error.issues).map((e) => ({ ...e, path: `definition.${e.path}` })),
        'The tool does not match the content schema.',
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const result = await this.publish(manager, actor.tenantId, parsed.data, actor.userId);
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.publish',
        resource: 'content.tool',
        resourceId: result.toolId,
        subjectId: null,
        basis: 'organisation_admin',
      });
      return result;
    });
  }

  /** Loads validated content files as platform tools (the seeds): only changed files get a revision. */
  async seedPlatform(files: ContentFile[]): Promise<PublishResult[]> {
    return this.dataSource.transaction(async (manager) => {
      const results: PublishResult[] = [];
      for (const file of files) results.push(await this.publish(manager, null, file.definition, null));
      return results;
    });
  }

  /** Adds a revision in the given scope (null: platform) unless the latest one is identical. */
  async publish(
    manager: EntityManager,
    tenantId: string | null,
    definition: ToolDefinition,
    publishedBy: string | null,
  ): Promise<PublishResult> {
    const tool = await this.library.lockOrCreateTool(manager, {
      id: uuidv7(),
      tenantId,
      key: definition.key,
      kind: definition.kind,
      createdBy: publishedBy,
    });
    if (tool.kind !== definition.kind) {
      throw new ValidationException([
        {
          path: 'definition.kind',
          message: `"${definition.key}" is a ${tool.kind}; a revision cannot change its kind`,
        },
      ]);
    }
    const checksum = checksumOf(definition);
    const latest = await this.library.revision(tool.id, undefined, manager);
    const base = { toolId: tool.id, key: tool.key, kind: tool.kind };
    if (latest && latest.checksum === checksum) {
      return { ...base, revisionId: latest.id, revision: latest.revision, published: false };
    }
    const revision = { id: uuidv7(), revision: (latest?.revision ?? 0) + 1 };
    await this.library.insertRevision(manager, {
      ...revision,
      toolId: tool.id,
      title: definition.title,
      definition,
      checksum,
      publishedBy,
    });
    return { ...base, revisionId: revision.id, revision: revision.revision, published: true };
  }
}
