import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEmitter, PLATFORM_CONFIG } from '@therapy-room/platform';
import { actorKind, auditRole, type Actor } from '@therapy-room/auth';
import type { AuditConfig } from '../audit.config';
import { forbidden } from '../common/audit.exception';
import { AuditClock } from '../log/audit-clock';

/** The organisation's retention of its log: its own setting, else AUDIT_RETENTION_YEARS. Changes are audited. */
@Injectable()
export class RetentionSettings {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: AuditConfig,
    private readonly dataSource: DataSource,
    private readonly audit: AuditEmitter,
    private readonly clock: AuditClock,
  ) {}

  async get(actor: Actor) {
    this.requireOrgAdmin(actor);
    const [row]: { years: number }[] = await this.dataSource.query(
      `SELECT years FROM tenant_retention WHERE tenant_id = $1`,
      [actor.tenantId],
    );
    return { years: row?.years ?? this.config.AUDIT_RETENTION_YEARS, default: !row };
  }

  async set(actor: Actor, years: number) {
    this.requireOrgAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO tenant_retention (tenant_id, years, changed_at, changed_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id) DO UPDATE SET years = EXCLUDED.years, changed_at = EXCLUDED.changed_at,
           changed_by = EXCLUDED.changed_by`,
        [actor.tenantId, years, this.clock.now(), actor.userId],
      );
      await this.audit.record(
        manager,
        {
          action: 'audit.retention.change',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: auditRole(actor),
          resource: 'audit.retention',
          resourceId: null,
          basis: 'organisation_admin',
          sourceService: 'audit',
        },
        { tenantId: actor.tenantId, subjectId: null },
      );
    });
    return { years, default: false };
  }

  private requireOrgAdmin(actor: Actor) {
    if (actorKind(actor) !== 'org_admin') throw forbidden("The audit log's retention is set by org admins.");
  }
}
