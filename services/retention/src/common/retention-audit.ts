import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditAction, AuditBasis } from '@therapy-room/contracts';
import { AuditEmitter } from '@therapy-room/platform';
import { auditRole, type Actor } from '@therapy-room/auth';

/** Retention's audit entries: one shape, in the caller's transaction. */
@Injectable()
export class RetentionAudit {
  constructor(private readonly audit: AuditEmitter) {}

  record(
    manager: EntityManager,
    actor: Actor | null,
    entry: {
      action: AuditAction;
      tenantId: string;
      subjectId: string | null;
      resource: string;
      resourceId: string;
      basis: AuditBasis;
      outcome?: 'success' | 'failure';
      reason?: string;
      sensitivity?: 'none' | 'personal' | 'health';
    },
  ): Promise<void> {
    return this.audit.record(
      manager,
      {
        action: entry.action,
        outcome: entry.outcome ?? 'success',
        actorId: actor?.userId ?? null,
        actorRole: actor ? auditRole(actor) : null,
        resource: entry.resource,
        resourceId: entry.resourceId,
        ...(entry.reason ? { reason: entry.reason } : {}),
        basis: entry.basis,
        sensitivity: entry.sensitivity ?? 'personal',
        sourceService: 'retention',
        ...(actor?.grantId ? { grantId: actor.grantId } : {}),
      },
      { tenantId: entry.tenantId, subjectId: entry.subjectId },
    );
  }
}
