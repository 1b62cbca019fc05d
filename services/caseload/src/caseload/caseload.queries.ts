import type { ListClientsQuery } from './dto/caseload.dto';

/**
 * The caseload list as one SQL statement, built from whitelisted pieces only (sort fields map to fixed
 * expressions; every value is a parameter). tools/bench/src/caseload.bench.ts captures the statements
 * the running service sends and replays them directly in PostgreSQL next to the HTTP API.
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

/** A link in force at the instant `at` (a parameter: the service's clock decides, not the database's). */
const ACTIVE_LINK = (at: string) =>
  `l.revoked_at IS NULL AND l.valid_from <= ${at}::timestamptz AND (l.valid_until IS NULL OR l.valid_until > ${at}::timestamptz)`;
/** A colleague link counts only where the colleague has no assignment of their own for the client. */
const LINK_WITHOUT_ASSIGNMENT = `NOT EXISTS (SELECT 1 FROM assignment a WHERE a.client_id = l.client_id
  AND a.professional_id = l.professional_id AND a.ended_at IS NULL)`;

/**
 * The common case, a professional's caseload newest activity first with no filter, read in order from
 * assignment_professional_activity_idx: a top-(offset + limit) of the assignments and of the (few)
 * links, merged, then the page's people looked up by id. The total comes from the same indexes.
 */
function activityPageStatement(
  tenantId: string,
  professionalId: string,
  query: ListClientsQuery,
  at: Date,
): ListStatement {
  return {
    sql: `
    WITH assigned AS (
      SELECT a.client_id, 'assignment' AS relation, a.assigned_at AS since, a.client_last_activity_at AS act
        FROM assignment a
       WHERE a.professional_id = $2 AND a.tenant_id = $1 AND a.ended_at IS NULL
       ORDER BY a.client_last_activity_at DESC NULLS LAST, a.client_id
       LIMIT $3
    ), linked AS (
      SELECT * FROM (
        SELECT DISTINCT ON (l.client_id) l.client_id, 'link' AS relation, l.valid_from AS since,
               l.client_last_activity_at AS act
          FROM colleague_link l
         WHERE l.professional_id = $2 AND l.tenant_id = $1 AND ${ACTIVE_LINK('$6')} AND ${LINK_WITHOUT_ASSIGNMENT}
         ORDER BY l.client_id, l.valid_from
      ) x
      ORDER BY act DESC NULLS LAST, client_id
      LIMIT $3
    ), page AS (
      SELECT * FROM assigned UNION ALL SELECT * FROM linked
      ORDER BY act DESC NULLS LAST, client_id
      LIMIT $4 OFFSET $5
    )
    SELECT p.id, p.display_name, p.status, p.last_activity_at, page.relation, page.since,
           (SELECT count(*) FROM assignment a
             WHERE a.professional_id = $2 AND a.tenant_id = $1 AND a.ended_at IS NULL)
         + (SELECT count(DISTINCT l.client_id) FROM colleague_link l
             WHERE l.professional_id = $2 AND l.tenant_id = $1 AND ${ACTIVE_LINK('$6')} AND ${LINK_WITHOUT_ASSIGNMENT})
           AS total
    FROM page JOIN person p ON p.id = page.client_id
    ORDER BY page.act DESC NULLS LAST, page.client_id`,
    params: [tenantId, professionalId, query.offset + query.limit, query.limit, query.offset, at],
  };
}

/**
 * One professional's caseload (active assignments and colleague links active at `at`), or — without a
 * professional — every client of the organisation. `count(*) OVER ()` returns the total with the page.
 */
export function listClientsStatement(
  tenantId: string,
  professionalId: string | null,
  query: ListClientsQuery,
  at: Date,
): ListStatement & { order: 'asc' | 'desc' } {
  const newestFirst = query.sort === 'lastActivity' && (query.order ?? 'desc') === 'desc';
  if (professionalId && newestFirst && !query.q && !query.status) {
    return { ...activityPageStatement(tenantId, professionalId, query, at), order: 'desc' };
  }
  const params: unknown[] = [tenantId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  let source: string;
  if (professionalId) {
    const pro = param(professionalId);
    const now = param(at);
    source = `
      SELECT DISTINCT ON (v.client_id) p.id, p.display_name, p.status, p.last_activity_at, v.relation, v.since
      FROM (
        SELECT a.client_id, 'assignment' AS relation, a.assigned_at AS since
          FROM assignment a
         WHERE a.professional_id = ${pro} AND a.tenant_id = $1 AND a.ended_at IS NULL
        UNION ALL
        SELECT l.client_id, 'link', l.valid_from
          FROM colleague_link l
         WHERE l.professional_id = ${pro} AND l.tenant_id = $1 AND ${ACTIVE_LINK(now)}
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
