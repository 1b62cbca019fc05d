import { Client } from 'pg';

/**
 * Creates (idempotently) a service's database role and schema, as an administrator would in a Helm
 * hook Job: the role owns its schema, can use no other, and `public` is closed to everyone.
 * Roles are cluster-wide in PostgreSQL, so concurrent callers tolerate "already exists".
 */
export async function provisionServiceSchema(options: {
  adminUrl: string;
  database: string;
  schema: string;
  role: string;
  password: string;
}): Promise<void> {
  const { schema, role, database } = options;
  for (const name of [schema, role, database]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe identifier: ${name}`);
  }
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_advisory_lock(hashtext('therapy-room-provision'))`);
    const exists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    const password = admin.escapeLiteral(options.password);
    await admin.query(
      exists.rowCount
        ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${password}`
        : `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD ${password}`,
    );
    await admin.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(hashtext('therapy-room-provision'))`).catch(() => undefined);
    await admin.end();
  }
  const url = new URL(options.adminUrl);
  url.pathname = `/${database}`;
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  try {
    await db.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    await db.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
    await db.query(`ALTER ROLE ${role} IN DATABASE ${database} SET search_path = ${schema}`);
  } finally {
    await db.end();
  }
}

/** Creates a database if it does not exist (local stacks and tests; in clusters an operator does this). */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsafe identifier: ${database}`);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
    if (!exists.rowCount)
      await admin.query(`CREATE DATABASE ${database}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
}
