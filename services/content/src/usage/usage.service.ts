import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@therapy-room/auth';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { ContentConfig } from '../content.config';
import { actorKind } from '@therapy-room/auth';
import { forbidden } from '../common/content.exception';
import { LibraryRepository } from '../library/library.repository';
import { UsageRepository } from './usage.repository';
import { averagePerUse, suppress } from './usage-counts';

/**
 * Usage counts for an organisation's administrators: how often each tool is used, how many sessions
 * a module use completes on average, and which tools are used together (a module with a diary…).
 * Scope 'organisation' counts their own organisation; 'platform' sums every organisation's use of
 * platform tools. Every cell under CONTENT_USAGE_MIN_CELL is null.
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly library: LibraryRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: ContentConfig,
  ) {}

  async counts(actor: Actor, scope: 'organisation' | 'platform') {
    const kind = actorKind(actor);
    if (kind !== 'org_admin' && kind !== 'staff')
      throw forbidden('Usage counts are for organisation administrators.');
    const min = this.config.CONTENT_USAGE_MIN_CELL;
    const tools = (await this.library.list(actor.tenantId)).filter(
      (t) => scope === 'organisation' || t.tenant_id === null,
    );
    const byTool = new Map(tools.map((t) => [t.id, t]));
    const counts = await this.usage.counts(scope === 'organisation' ? actor.tenantId : null);
    const pairs = await this.usage.pairs(scope === 'organisation' ? actor.tenantId : null);
    const metric = (toolId: string, m: string) =>
      Number(counts.find((c) => c.tool_id === toolId && c.metric === m)?.count ?? 0);
    return {
      scope,
      minimumCell: min,
      tools: tools.map((t) => {
        const assigned = metric(t.id, 'assigned');
        const sessions = metric(t.id, 'sessions_completed');
        const together = (other: 'module' | 'diary' | 'questionnaire') =>
          pairs
            .filter(
              (p) =>
                (p.tool_a === t.id || p.tool_b === t.id) &&
                byTool.get(p.tool_a === t.id ? p.tool_b : p.tool_a)?.kind === other,
            )
            .reduce((sum, p) => sum + Number(p.count), 0);
        return {
          toolId: t.id,
          key: t.key,
          kind: t.kind,
          title: t.title,
          assigned: suppress(assigned, min),
          ...(t.kind === 'module'
            ? {
                sessionsCompleted: suppress(sessions, min),
                averageSessionsCompleted: averagePerUse(sessions, assigned, min),
              }
            : {}),
          ...(t.kind === 'questionnaire' ? { responses: suppress(metric(t.id, 'responses'), min) } : {}),
          usedWith: {
            module: suppress(together('module'), min),
            diary: suppress(together('diary'), min),
            questionnaire: suppress(together('questionnaire'), min),
          },
        };
      }),
    };
  }
}
