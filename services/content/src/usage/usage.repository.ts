import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type UsageMetric = 'assigned' | 'sessions_completed' | 'responses';

/** The only file with queries on the anonymous usage counters. */
@Injectable()
export class UsageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async increment(
    manager: EntityManager,
    tenantId: string,
    toolId: string,
    metric: UsageMetric,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO usage_count (tenant_id, tool_id, metric, count) VALUES ($1, $2, $3, 1)
       ON CONFLICT (tenant_id, tool_id, metric) DO UPDATE SET count = usage_count.count + 1`,
      [tenantId, toolId, metric],
    );
  }

  /** One more use of each pair (toolId, other) — stored in id order, so (a, b) and (b, a) are one cell. */
  async incrementPairs(
    manager: EntityManager,
    tenantId: string,
    toolId: string,
    others: string[],
  ): Promise<void> {
    const pairs = [...new Set(others)]
      .filter((o) => o !== toolId)
      .map((o) => (o < toolId ? [o, toolId] : [toolId, o]));
    if (!pairs.length) return;
    await manager.query(
      `INSERT INTO usage_pair (tenant_id, tool_a, tool_b, count)
       SELECT $1, a, b, 1 FROM unnest($2::uuid[], $3::uuid[]) AS p(a, b)
       ON CONFLICT (tenant_id, tool_a, tool_b) DO UPDATE SET count = usage_pair.count + 1`,
      [tenantId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }

  /** Counts per tool and metric: one organisation's, or (null) summed over every organisation. */
  async counts(tenantId: string | null): Promise<{ tool_id: string; metric: UsageMetric; count: string }[]> {
    return this.dataSource.query(
      `SELECT tool_id, metric, sum(count)::bigint AS count FROM usage_count
        WHERE $1::uuid IS NULL OR tenant_id = $1 GROUP BY tool_id, metric`,
      [tenantId],
    );
  }

  async pairs(tenantId: string | null): Promise<{ tool_a: string; tool_b: string; count: string }[]> {
    return this.dataSource.query(
      `SELECT tool_a, tool_b, sum(count)::bigint AS count FROM usage_pair
        WHERE $1::uuid IS NULL OR tenant_id = $1 GROUP BY tool_a, tool_b`,
      [tenantId],
    );
  }
}
