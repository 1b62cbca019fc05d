import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEmitter, PLATFORM_CONFIG } from '@therapy-room/platform';
import { actorKind, auditRole, type Actor } from '@therapy-room/auth';
import type { CaseloadConfig } from '../caseload.config';
import { CaseloadErrorCode, CaseloadException } from '../common/caseload.exception';
import { ColleaguesRepository } from './colleagues.repository';
import type { ColleaguesPage, ListColleaguesQuery } from './dto/colleagues.dto';

/**
 * Who a client can be linked to: the organisation's active professionals (never another
 * organisation's, never the asker), by name. For professionals (who link colleagues to their clients)
 * and org admins. A page that shows anyone is audited as a search (`caseload.colleague_search`, no
 * subject: nobody's client data is read, and the query text is not kept).
 */
@Injectable()
export class ColleaguesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly colleagues: ColleaguesRepository,
    private readonly audit: AuditEmitter,
    @Inject(PLATFORM_CONFIG) private readonly config: CaseloadConfig,
  ) {}

  get maxPageSize(): number {
    return this.config.CASELOAD_MAX_PAGE_SIZE;
  }

  async list(actor: Actor, query: ListColleaguesQuery): Promise<ColleaguesPage> {
    const kind = actorKind(actor);
    if (kind !== 'professional' && kind !== 'org_admin') {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        "Only professionals and the organisation's administrators look for colleagues.",
      );
    }
    const rows = await this.colleagues.page(actor.tenantId, actor.userId, query);
    const total = rows.length
      ? Number(rows[0].total)
      : await this.colleagues.count(actor.tenantId, actor.userId, query.q);
    if (rows.length) {
      await this.dataSource.transaction((manager) =>
        this.audit.record(
          manager,
          {
            action: 'caseload.colleague_search',
            outcome: 'success',
            actorId: actor.userId,
            actorRole: auditRole(actor),
            resource: 'caseload.colleagues',
            resourceId: null,
          },
          { tenantId: actor.tenantId, subjectId: null },
        ),
      );
    }
    return {
      items: rows.map((r) => ({ id: r.id, displayName: r.display_name, role: 'professional' as const })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
