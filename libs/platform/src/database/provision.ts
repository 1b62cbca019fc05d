import { Client } from 'pg';
import { postgresConnection } from './tls';

/**
 * Creates (idempotently) a service's database role and schema, as an administrator would in a Helm
 * hook Job: the role owns its schema, can use no other, and `public` is closed to everyone.
 * Roles are cluster-wide in PostgreSQL, so concurrent callers tolerate "already exists".
 *
 * The administrator need not be a superuser: a role with CREATEROLE that owns the database (the
 * CloudNativePG cluster's `therapy_room_admin`) is enough. From PostgreSQL 16 such an administrator
 * holds the roles it creates with ADMIN only, and `CREATE SCHEMA … AUTHORIZATION r` (like
 * `ALTER DEFAULT PRIVILEGES FOR ROLE r`) needs the right to `SET ROLE r`; so the administrator grants
 * itself SET (not INHERIT: it gains none of the role's privileges by default) on each role it provisions.
 */
export async function provisionServiceSchema(options: {
  adminUrl: string;
  database: string;
  schema: string;
  role: string;
  password: string;
  /**
   * A separate owner for the schema (e.g. audit's append-only log): `owner` owns the schema and runs the
   * migrations; `role` is the service's runtime role, with USAGE on the schema and, by default privileges,
   * SELECT/INSERT/UPDATE/DELETE on the owner's tables (migrations take back what it must not have).
   */
  owner?: { role: string; password: string };
  /** PEM CA bundle of the server's certificate: TLS verified as services do (DATABASE_CA_FILE). */
  caFile?: string;
}): Promise<void> {
  const { schema, role, database, owner } = options;
  for (const name of [schema, role, database, ...(owner ? [owner.role] : [])]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe identifier: ${name}`);
  }
  const admin = new Client(postgresConnection(options.adminUrl, options.caFile));
  await admin.connect();
  try {
    await admin.query(`SELECT pg_advisory_lock(hashtext('therapy-room-provision'))`);
    const version = Number(
      (await admin.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v,
    );
    for (const [name, pw] of [[role, options.password], ...(owner ? [[owner.role, owner.password]] : [])]) {
      const exists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [name]);
      const password = admin.escapeLiteral(pw);
      await admin.query(
        exists.rowCount
          ? `ALTER ROLE ${name} WITH LOGIN PASSWORD ${password}`
          : `CREATE ROLE ${name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD ${password}`,
      );
      await admin.query(`GRANT CONNECT ON DATABASE ${database} TO ${name}`);
      await admin.query(
        version >= 160000
          ? `GRANT ${name} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE`
          : `GRANT ${name} TO CURRENT_USER`,
      );
    }
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(hashtext('therapy-room-provision'))`).catch(() => undefined);
    await admin.end();
  }
  const url = new URL(options.adminUrl);
  url.pathname = `/${database}`;
  const db = new Client(postgresConnection(url.toString(), options.caFile));
  await db.connect();
  try {
    await db.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    await db.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner?.role ?? role}`);
    await db.query(`ALTER ROLE ${role} IN DATABASE ${database} SET search_path = ${schema}`);
    if (owner) {
      await db.query(`ALTER ROLE ${owner.role} IN DATABASE ${database} SET search_path = ${schema}`);
      // As the schema's owner (the administrator holds SET, not INHERIT, on it).
      await db.query('BEGIN');
      await db.query(`SET LOCAL ROLE ${owner.role}`);
      await db.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await db.query(
        `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
      );
      await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE ON SEQUENCES TO ${role}`);
      await db.query('COMMIT');
    }
  } finally {
    await db.end();
  }
}

/**
 * Creates a database if it does not exist (local stacks and tests; in clusters an operator does this),
 * owned by `owner` when given (the provisioning administrator, as CloudNativePG's initdb owner).
 */
export async function ensureDatabase(
  adminUrl: string,
  database: string,
  template?: string,
  owner?: string,
  caFile?: string,
): Promise<void> {
  for (const name of [database, ...(owner ? [owner] : [])])
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe identifier: ${name}`);
  const admin = new Client(postgresConnection(adminUrl, caFile));
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
    if (!exists.rowCount)
      await admin.query(
        `CREATE DATABASE ${database}${template ? ` TEMPLATE ${template}` : ''}${owner ? ` OWNER ${owner}` : ''}`,
      );
  } finally {
    await admin.end();
  }
}

/**
 * Creates (or re-passwords) an administrator as CloudNativePG's managed role is: LOGIN, CREATEROLE and
 * CREATEDB, not a superuser. Run with a superuser's URL (test and local set-up); returns its URL.
 */
export async function ensureProvisioningAdmin(
  superuserUrl: string,
  role: string,
  password: string,
  caFile?: string,
): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`Unsafe identifier: ${role}`);
  const admin = new Client(postgresConnection(superuserUrl, caFile));
  await admin.connect();
  try {
    await admin.query(`SELECT pg_advisory_lock(hashtext('therapy-room-provision'))`);
    const exists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    await admin.query(
      `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN NOSUPERUSER CREATEROLE CREATEDB PASSWORD ${admin.escapeLiteral(password)}`,
    );
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(hashtext('therapy-room-provision'))`).catch(() => undefined);
    await admin.end();
  }
  return Object.assign(new URL(superuserUrl), {
    username: role,
    password: encodeURIComponent(password),
  }).toString();
}
