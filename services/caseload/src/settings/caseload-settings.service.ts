import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEmitter, Clock } from '@therapy-room/platform';
import { actorKind, auditRole, type Actor } from '@therapy-room/auth';
import { CaseloadErrorCode, CaseloadException } from '../common/caseload.exception';
import { CaseloadSettingsRepository, type CaseloadSettings } from './caseload-settings.repository';

/**
 * An organisation's caseload rules. Its administrators set them (audited); professionals and staff
 * under a grant may read them (a professional's app shows whether they may take a client).
 */
@Injectable()
export class CaseloadSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: CaseloadSettingsRepository,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor): Promise<CaseloadSettings> {
    const kind = actorKind(actor);
    if (kind !== 'org_admin' && kind !== 'staff' && kind !== 'professional') {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        "Only the organisation's staff see its rules.",
      );
    }
    return this.settings.of(actor.tenantId);
  }

  async set(actor: Actor, settings: CaseloadSettings): Promise<CaseloadSettings> {
    if (actorKind(actor) !== 'org_admin') {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        "Only the organisation's administrators change its caseload rules.",
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await this.settings.save(manager, actor.tenantId, settings, actor.userId, this.clock.now());
      await this.audit.record(
        manager,
        {
          action: 'caseload.settings_change',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: auditRole(actor),
          resource: 'caseload.settings',
          resourceId: actor.tenantId,
          basis: 'organisation_admin',
        },
        { tenantId: actor.tenantId, subjectId: null },
      );
    });
    return this.settings.of(actor.tenantId);
  }
}
