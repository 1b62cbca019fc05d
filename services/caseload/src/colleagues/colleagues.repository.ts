import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ColleagueRow {
  id: string;
  display_name: string | null;
  total: string;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** The organisation's active professionals, from caseload's copy of identity's accounts. */
@Injectable()
export class ColleaguesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One page, by name then id, with the total of every match (on each row: one query). */
  page(
    tenantId: string,
    exceptId: string,
    query: { q?: string; limit: number; offset: number },
  ): Promise<ColleagueRow[]> {
    return this.dataSource.query(
      `SELECT p.id, p.display_name, count(*) OVER () AS total
       FROM person p
       WHERE p.tenant_id = $1 AND p.role = 'professional' AND p.status = 'active' AND p.id <> $2
         AND ($3::text IS NULL OR p.display_name ILIKE $3)
       ORDER BY lower(p.display_name) NULLS LAST, p.id
       LIMIT $4 OFFSET $5`,
      [tenantId, exceptId, query.q ? likePattern(query.q) : null, query.limit, query.offset],
    );
  }

  /** How many match, for a page past the end (which has no row to carry the total). */
  async count(tenantId: string, exceptId: string, q: string | undefined): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM person p
       WHERE p.tenant_id = $1 AND p.role = 'professional' AND p.status = 'active' AND p.id <> $2
         AND ($3::text IS NULL OR p.display_name ILIKE $3)`,
      [tenantId, exceptId, q ? likePattern(q) : null],
    );
    return Number(rows[0].n);
  }
}
