/**
 * The caseload benchmark's data, written straight into the service's tables with SQL (generate_series),
 * after the service's own migrations created them. Deterministic apart from the random UUIDs: the same
 * names, statuses, activity times and caseload sizes every run.
 */
import type { Client } from 'pg';

export interface SeedOptions {
  /** The service's schema (tables are created by its migrations). */
  schema: string;
  tenantId: string;
  clients: number;
  professionals: number;
}

export interface SeedSummary {
  professionals: { id: string; n: number }[];
  /** Rows per table after the seed. */
  rows: Record<string, number>;
  /** Active assignments per professional (min–max) and active colleague links per professional. */
  caseload: { minAssigned: number; maxAssigned: number; activeLinksPerProfessional: number };
  seconds: number;
}

const FIRST = [
  'Anna', 'Bram', 'Chloé', 'Daan', 'Emma', 'Finn', 'Gijs', 'Hanna', 'Iris', 'Jesse',
  'Julia', 'Lars', 'Lotte', 'Milan', 'Noor', 'Olivia', 'Pieter', 'Ruben', 'Sara', 'Tess',
  'Thijs', 'Vera', 'Wouter', 'Yara', 'Zoë', 'Amir', 'Fatima', 'Mohammed', 'Sem', 'Liam',
]; // prettier-ignore
const LAST = [
  'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser',
  'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks',
  'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer',
  'Kaya', 'Yılmaz', 'El Amrani', 'Nguyen', 'Okafor', 'Kowalski', "O'Brien", 'Müller',
]; // prettier-ignore

const arrayLiteral = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;

/**
 * One tenant: an org admin, `professionals` professionals and `clients` clients. Every client is in
 * exactly one caseload (client n → professional n mod P); one client in five also has an ended
 * assignment (history: moved from another professional); every professional has 20 active colleague
 * links to clients of the next professional's caseload, plus expired, revoked and future ones.
 * Clients: 10 % never active (last_activity_at NULL), 5 % deactivated, activity spread over a year.
 */
export async function seedCaseload(db: Client, o: SeedOptions): Promise<SeedSummary> {
  const s = o.schema;
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`unsafe schema name ${s}`);
  const started = performance.now();
  await db.query('BEGIN');
  try {
    await db.query(
      `CREATE TEMP TABLE seed_professional ON COMMIT DROP AS
         SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) n`,
      [o.professionals],
    );
    await db.query(
      `CREATE TEMP TABLE seed_client ON COMMIT DROP AS
         SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) n`,
      [o.clients],
    );
    await db.query(`CREATE TEMP TABLE seed_admin ON COMMIT DROP AS SELECT gen_random_uuid() AS id`);
    await db.query(
      `INSERT INTO ${s}.person (id, tenant_id, role, display_name, status, status_changed_at, last_activity_at, created_at)
         SELECT id, $1::uuid, 'org_admin', 'Organisation Admin', 'active', now() - interval '3 years', now(), now() - interval '3 years'
           FROM seed_admin
         UNION ALL
         SELECT id, $1::uuid, 'professional', format('Professional %s', lpad((n + 1)::text, 2, '0')), 'active',
                now() - interval '3 years', now() - (n * interval '7 minutes'), now() - interval '3 years'
           FROM seed_professional`,
      [o.tenantId],
    );
    // Activity: a deterministic spread over the last 365 days (minute resolution), NULL for one in ten.
    await db.query(
      `INSERT INTO ${s}.person (id, tenant_id, role, display_name, status, status_changed_at, last_activity_at, created_at)
         SELECT id, $1::uuid, 'client',
                (${arrayLiteral(FIRST)})[1 + n % ${FIRST.length}] || ' ' ||
                (${arrayLiteral(LAST)})[1 + (n / ${FIRST.length}) % ${LAST.length}],
                CASE WHEN n % 20 = 7 THEN 'deactivated' ELSE 'active' END,
                now() - interval '2 years',
                CASE WHEN n % 10 = 3 THEN NULL
                     ELSE now() - ((n::bigint * 7919) % 525600) * interval '1 minute' END,
                now() - interval '2 years' + (n % 700) * interval '1 day'
           FROM seed_client`,
      [o.tenantId],
    );
    // Current caseloads: every client with exactly one professional.
    await db.query(
      `INSERT INTO ${s}.assignment (id, tenant_id, client_id, professional_id, assigned_by, assigned_at)
         SELECT gen_random_uuid(), $1::uuid, c.id, p.id, (SELECT id FROM seed_admin),
                now() - interval '1 year' + (c.n % 300) * interval '1 day'
           FROM seed_client c JOIN seed_professional p ON p.n = c.n % $2::int`,
      [o.tenantId, o.professionals],
    );
    // History: one client in five was moved here from the next professional.
    await db.query(
      `INSERT INTO ${s}.assignment (id, tenant_id, client_id, professional_id, assigned_by, assigned_at, ended_at, ended_by, end_reason)
         SELECT gen_random_uuid(), $1::uuid, c.id, p.id, (SELECT id FROM seed_admin),
                now() - interval '2 years', now() - interval '1 year' + (c.n % 300) * interval '1 day',
                (SELECT id FROM seed_admin), 'moved'
           FROM seed_client c JOIN seed_professional p ON p.n = (c.n + 1) % $2::int
          WHERE c.n % 5 = 0`,
      [o.tenantId, o.professionals],
    );
    // Colleague links of professional p to clients of professional p+1 (k = the link's rank):
    // k < 20 active (open-ended or ending in a month), 20..29 expired, 30..34 revoked, 35..39 future.
    await db.query(
      `INSERT INTO ${s}.colleague_link (id, tenant_id, client_id, professional_id, linked_by, valid_from, valid_until, created_at, revoked_at, revoked_by)
         SELECT gen_random_uuid(), $1::uuid, c.id, p.id, o.id,
                CASE WHEN k >= 35 THEN now() + interval '10 days' ELSE now() - interval '60 days' END,
                CASE WHEN k >= 35 THEN now() + interval '40 days'
                     WHEN k >= 20 AND k < 30 THEN now() - interval '1 day'
                     WHEN k % 2 = 0 THEN NULL ELSE now() + interval '30 days' END,
                now() - interval '60 days',
                CASE WHEN k >= 30 AND k < 35 THEN now() - interval '2 days' END,
                CASE WHEN k >= 30 AND k < 35 THEN o.id END
           FROM seed_professional p
           CROSS JOIN generate_series(0, 39) k
           JOIN seed_professional op ON op.n = (p.n + 1) % $2::int
           JOIN seed_client c ON c.n = op.n + $2::int * (k + 1)
           JOIN seed_professional o ON o.n = op.n`,
      [o.tenantId, o.professionals],
    );
    const professionals = (
      await db.query<{ id: string; n: number }>(`SELECT id, n FROM seed_professional ORDER BY n`)
    ).rows;
    await db.query('COMMIT');
    // A settled table, as autovacuum leaves it (statistics and visibility map), written out.
    await db.query(`VACUUM (ANALYZE) ${s}.person, ${s}.assignment, ${s}.colleague_link`);
    await db.query('CHECKPOINT').catch(() => undefined);
    const counts = (
      await db.query<{ t: string; n: number }>(
        `SELECT 'person' AS t, count(*)::int AS n FROM ${s}.person
         UNION ALL SELECT 'person (clients)', count(*)::int FROM ${s}.person WHERE role = 'client'
         UNION ALL SELECT 'assignment', count(*)::int FROM ${s}.assignment
         UNION ALL SELECT 'assignment (active)', count(*)::int FROM ${s}.assignment WHERE ended_at IS NULL
         UNION ALL SELECT 'colleague_link', count(*)::int FROM ${s}.colleague_link`,
      )
    ).rows;
    const sizes = (
      await db.query<{ min: number; max: number; links: number }>(
        `SELECT min(a)::int AS min, max(a)::int AS max,
                (SELECT count(*)::int FROM ${s}.colleague_link l
                  WHERE l.revoked_at IS NULL AND l.valid_from <= now() AND (l.valid_until IS NULL OR l.valid_until > now()))
                  / $1::int AS links
           FROM (SELECT count(*) AS a FROM ${s}.assignment WHERE ended_at IS NULL GROUP BY professional_id) x`,
        [o.professionals],
      )
    ).rows[0];
    return {
      professionals,
      rows: Object.fromEntries(counts.map((r) => [r.t, r.n])),
      caseload: { minAssigned: sizes.min, maxAssigned: sizes.max, activeLinksPerProfessional: sizes.links },
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
