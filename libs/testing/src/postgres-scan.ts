import { Client } from 'pg';

export interface ScannedTable {
  database: string;
  schema: string;
  table: string;
  rows: number;
}

export interface ScannedRow {
  /** `database.schema.table` */
  where: string;
  /** The row as PostgreSQL prints it (`row::text`): every column, bytea as hex. */
  text: string;
}

/**
 * Every row of every table of every schema of every database of a PostgreSQL server (its system
 * catalogs aside), as text: the whole content of a region's PostgreSQL, for residency checks.
 */
export async function scanAllTables(
  serverAdminUrl: string,
): Promise<{ tables: ScannedTable[]; rows: ScannedRow[] }> {
  const urlOf = (database: string) =>
    Object.assign(new URL(serverAdminUrl), { pathname: `/${database}` }).toString();
  const root = new Client({ connectionString: urlOf('postgres') });
  await root.connect();
  const databases = (
    await root.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname`,
    )
  ).rows.map((r) => r.datname);
  await root.end();
  const tables: ScannedTable[] = [];
  const rows: ScannedRow[] = [];
  for (const database of databases) {
    const client = new Client({ connectionString: urlOf(database) });
    await client.connect();
    try {
      const { rows: found } = await client.query<{ schema: string; table: string }>(
        `SELECT n.nspname AS schema, c.relname AS table
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
          ORDER BY 1, 2`,
      );
      for (const { schema, table } of found) {
        const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
        const { rows: content } = await client.query<{ text: string }>(
          `SELECT t::text AS text FROM ${ident(schema)}.${ident(table)} t`,
        );
        tables.push({ database, schema, table, rows: content.length });
        for (const { text } of content) rows.push({ where: `${database}.${schema}.${table}`, text });
      }
    } finally {
      await client.end();
    }
  }
  return { tables, rows };
}
