import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditAction, AuditOutcome } from '@therapy-room/contracts';
import type { Actor } from '@therapy-room/auth';
import { AuditEmitter } from '@therapy-room/platform';
import { auditRole } from '@therapy-room/auth';

/** Audit resources of content (identifiers, never free text). */
export type ContentResource =
  | 'content.tool'
  | 'content.assignment'
  | 'content.report'
  | 'content.report_share'
  | 'content.flag'
  | 'content.subject';

/** Content's audit entries: who did what to which client's work, with what outcome. */
@Injectable()
export class ContentAudit {
  constructor(private readonly audit: AuditEmitter) {}

  record(
    manager: EntityManager,
    actor: Actor | null,
    action: AuditAction,
    outcome: AuditOutcome,
    resource: ContentResource,
    resourceId: string | null,
    scope: { tenantId: string; subjectId: string | null },
    extra: { reason?: string; sourceAddress?: string; requestId?: string } = {},
  ): Promise<void> {
    return this.audit.record(
      manager,
      {
        action,
        outcome,
        actorId: actor?.userId ?? null,
        actorRole: actor ? auditRole(actor) : null,
        resource,
        resourceId,
        ...extra,
      },
      scope,
    );
  }

  /** Several entries at once (e.g. one per client in a list of flags). */
  recordMany(
    manager: EntityManager,
    actor: Actor,
    action: AuditAction,
    resource: ContentResource,
    items: { resourceId: string; tenantId: string; subjectId: string }[],
  ): Promise<void> {
    return this.audit.recordMany(
      manager,
      items.map((i) => ({
        entry: {
          action,
          outcome: 'success',
          actorId: actor.userId,
          actorRole: auditRole(actor),
          resource,
          resourceId: i.resourceId,
        },
        scope: { tenantId: i.tenantId, subjectId: i.subjectId },
      })),
    );
  }
}
