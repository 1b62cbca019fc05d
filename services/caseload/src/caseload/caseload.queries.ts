import type { ListClientsQuery } from './dto/caseload.dto';

/**
 * The caseload list as one SQL statement, built from whitelisted pieces only (sort fields map to fixed
 * expressions; every value is a parameter). Exported so the benchmark runs exactly this statement
 * directly in PostgreSQL next to the HTTP API.
 */
export interface ListStatement {
  sql: string;
  params: unknown[];
}

const defaultOrder = { lastActivity: 'desc', name: 'asc', assignedAt: 'desc' } as const;

function orderBy(query: Pick<ListClientsQuery, 'sort' | 'order'>): { sql: string; order: 'asc' | 'desc' } {
  const order = query.order ?? defaultOrder[query.sort];
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  // Never-active clients count as the least recent; ids break ties so pages never overlap.
  switch (query.sort) {
    case 'lastActivity':
      return {
        order,
        sql: `c.last_activity_at ${dir} ${order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST'}, c.id`,
      };
    case 'name':
      return { order, sql: `lower(c.display_name) ${dir} NULLS LAST, c.id` };
    case 'assignedAt':
      return { order, sql: `c.since ${dir} NULLS LAST, c.id` };
  }
}

/** `%` and `_` in a search are literal characters, not wildcards. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/**
 * One professional's caseload (active assignments and colleague links active now), or — without a
 * professional — every client of the organisation. `count(*) OVER ()` returns the total with the page.
 */
export function listClientsStatement(
  tenantId: string,
  professionalId: string | null,
  query: ListClientsQuery,
): ListStatement & { order: 'asc' | 'desc' } {
  const params: unknown[] = [tenantId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  let source: string;
  if (professionalId) {
    const pro = param(professionalId);
    source = `
      SELECT DISTINCT ON (v.client_id) p.id, p.display_name, p.status, p.last_activity_at, v.relation, v.since
      FROM (
        SELECT a.client_id, 'assignment' AS relation, a.assigned_at AS since
          FROM assignment a
         WHERE a.professional_id = ${pro} AND a.tenant_id = $1 AND a.ended_at IS NULL
        UNION ALL
        SELECT l.client_id, 'link', l.valid_from
          FROM colleague_link l
         WHERE l.professional_id = ${pro} AND l.tenant_id = $1 AND l.revoked_at IS NULL
           AND l.valid_from <= now() AND (l.valid_until IS NULL OR l.valid_until > now())
      ) v
      JOIN person p ON p.id = v.client_id
      ORDER BY v.client_id, v.relation`;
  } else {
    source = `
      SELECT p.id, p.display_name, p.status, p.last_activity_at, NULL::text AS relation, NULL::timestamptz AS since
      FROM person p
      WHERE p.tenant_id = $1 AND p.role = 'client'`;
  }
  const filters: string[] = [];
  if (query.q) filters.push(`c.display_name ILIKE ${param(likePattern(query.q))}`);
  if (query.status) filters.push(`c.status = ${param(query.status)}`);
  const { sql: order, order: direction } = orderBy(query);
  const sql = `
    SELECT c.id, c.display_name, c.status, c.last_activity_at, c.relation, c.since, count(*) OVER () AS total
    FROM (${source}) c
    ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''}
    ORDER BY ${order}
    LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`;
  return { sql, params, order: direction };
}
