import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@therapy-room/auth';
import { AuditedAccess, Clock } from '@therapy-room/platform';
import { ClientAccess } from '../assignments/client-access.service';
import { LibraryRepository } from '../library/library.repository';
import { buildSeries, type Series } from './report-series';
import { clientFeedbackByTool, clientVisibleSeries } from './client-visible';
import { ReportsRepository, type ReportFilter } from './reports.repository';

export interface Report {
  clientId: string;
  from: string | null;
  to: string | null;
  generatedAt: string;
  series: Series[];
}

/**
 * Who a report is for. The care team sees every score; the client (and whoever they share the report
 * with) sees a questionnaire's scores only where the organisation lets clients see them.
 */
export type ReportAudience = 'care_team' | 'client';

/** Reports and trends: a client's diary values and questionnaire scores over time, ready for a chart. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ReportsRepository,
    private readonly library: LibraryRepository,
    private readonly access: ClientAccess,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

  /** For the client and their care team; the read is audited. */
  async forClient(actor: Actor, clientId: string, range: { from?: string; to?: string }): Promise<Report> {
    const { standing, basis } = await this.access.standing(actor, clientId, ['self', 'care_team'], {
      action: 'content.read',
      resource: 'content.report',
      resourceId: clientId,
    });
    const report = await this.build(
      {
        tenantId: actor.tenantId,
        clientId,
        toolIds: null,
        from: range.from ? new Date(range.from) : null,
        to: range.to ? new Date(range.to) : null,
      },
      standing === 'self' ? 'client' : 'care_team',
    );
    await this.dataSource.transaction((manager) =>
      this.audit.succeeded(manager, {
        actor,
        action: 'content.read',
        resource: 'content.report',
        resourceId: clientId,
        subjectId: clientId,
        basis,
      }),
    );
    return report;
  }

  /** The report itself, with no access decision (callers decide: a person above, a share link). */
  async build(filter: ReportFilter, audience: ReportAudience): Promise<Report> {
    const [diary, scores] = await Promise.all([
      this.reports.diaryPoints(filter),
      this.reports.scorePoints(filter),
    ]);
    const revisions = await this.library.revisionsByIds([
      ...new Set([...diary.map((d) => d.revision_id), ...scores.map((s) => s.revision_id)]),
    ]);
    let series = buildSeries(diary, scores, revisions);
    if (audience === 'client') {
      const tools = [...new Set(scores.map((s) => s.tool_id))];
      const chosen = await this.library.clientFeedbackOf(filter.tenantId, tools);
      series = clientVisibleSeries(series, clientFeedbackByTool(scores, revisions, chosen));
    }
    return {
      clientId: filter.clientId,
      from: filter.from?.toISOString() ?? null,
      to: filter.to?.toISOString() ?? null,
      generatedAt: this.clock.now().toISOString(),
      series,
    };
  }
}
