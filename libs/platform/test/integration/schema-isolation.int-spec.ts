import { Client, type DatabaseError } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@therapy-room/testing';
import { createDataSource } from '@therapy-room/platform';

type ServiceDb = { DATABASE_URL: string; DATABASE_SCHEMA: string };

/** Connects as a service's own role, the way the service does. */
async function connectAs(service: ServiceDb): Promise<Client> {
  const client = new Client({ connectionString: service.DATABASE_URL });
  await client.connect();
  return client;
}

/** The SQLSTATE a statement fails with (and fails the test if it succeeds). */
async function sqlStateOf(client: Client, sql: string): Promise<string> {
  const error = await client.query(sql).then(
    () => undefined,
    (err: DatabaseError) => err,
  );
  if (!error) throw new Error(`expected to be refused: ${sql}`);
  return `${error.code} ${error.message}`;
}

class IsolationProbeTable1763800000001 implements MigrationInterface {
  name = 'IsolationProbeTable1763800000001';
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE probe (id integer CONSTRAINT probe_pkey PRIMARY KEY)`);
  }
  async down(q: QueryRunner) {
    await q.query(`DROP TABLE probe`);
  }
}

describe('each service owns one schema and its role cannot reach the others', () => {
  let db: TestDatabase;
  let identity: ServiceDb;
  let caseload: ServiceDb;
  const clients: Client[] = [];
  const as = async (service: ServiceDb) => {
    const client = await connectAs(service);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    identity = await db.provision('identity');
    caseload = await db.provision('caseload');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await db?.drop();
  });

  it("refuses a role another service's tables and the public schema, and lets it work in its own", async () => {
    const caseloadDb = await as(caseload);
    await caseloadDb.query(
      `CREATE TABLE assignment (id integer CONSTRAINT assignment_pkey PRIMARY KEY, client_id uuid NOT NULL)`,
    );
    await caseloadDb.query(`INSERT INTO assignment VALUES (1, gen_random_uuid())`);
    // Unqualified names land in the role's own schema (its search_path).
    expect(
      await db.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'assignment'`),
    ).toEqual([{ table_schema: 'caseload' }]);

    const identityDb = await as(identity);
    expect(await sqlStateOf(identityDb, `SELECT * FROM caseload.assignment`)).toMatch(
      /^42501 permission denied/,
    );
    expect(
      await sqlStateOf(identityDb, `INSERT INTO caseload.assignment VALUES (2, gen_random_uuid())`),
    ).toMatch(/^42501 /);
    expect(await sqlStateOf(identityDb, `CREATE TABLE caseload.intruder (id integer)`)).toMatch(/^42501 /);
    expect(await sqlStateOf(identityDb, `CREATE TABLE public.shared (id integer)`)).toMatch(
      /^42501 permission denied for schema public/,
    );
    // Nor can it make room elsewhere or widen its own rights.
    expect(await sqlStateOf(identityDb, `CREATE SCHEMA sneaky`)).toMatch(/^42501 /);
    expect(await sqlStateOf(identityDb, `CREATE TEMP TABLE scratch (id integer)`)).toMatch(/^42501 /);
    expect(await sqlStateOf(identityDb, `GRANT USAGE ON SCHEMA caseload TO identity_svc`)).toMatch(/^42501 /);

    await identityDb.query(`CREATE TABLE app_user (id integer CONSTRAINT app_user_pkey PRIMARY KEY)`);
    await identityDb.query(`INSERT INTO identity.app_user VALUES (7)`);
    expect((await identityDb.query(`SELECT id FROM app_user`)).rows).toEqual([{ id: 7 }]);
    expect(
      await db.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'app_user'`),
    ).toEqual([{ table_schema: 'identity' }]);

    // And the other way round.
    expect(await sqlStateOf(caseloadDb, `SELECT * FROM identity.app_user`)).toMatch(
      /^42501 permission denied/,
    );
    expect(await db.query(`SELECT count(*)::int AS n FROM caseload.assignment`)).toEqual([{ n: 1 }]);
  });

  it("runs a service's migrations into its own schema, with the migrations table there too", async () => {
    const dataSource = createDataSource(
      { ...identity, SERVICE_NAME: 'identity', DATABASE_POOL_MAX: 2 },
      { entities: [], migrations: [IsolationProbeTable1763800000001] },
    );
    await dataSource.initialize();
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      expect(ran.map((m) => m.name)).toEqual([
        'PlatformOutboxInbox1763800000000',
        'IsolationProbeTable1763800000001',
      ]);
      // Running again is a no-op: the migrations table is found where it was written.
      expect(await dataSource.runMigrations({ transaction: 'each' })).toEqual([]);
    } finally {
      await dataSource.destroy();
    }

    const tables = await db.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_name IN ('migration', 'outbox', 'inbox', 'probe') ORDER BY table_name, table_schema`,
    );
    expect(tables).toEqual([
      { table_schema: 'identity', table_name: 'inbox' },
      { table_schema: 'identity', table_name: 'migration' },
      { table_schema: 'identity', table_name: 'outbox' },
      { table_schema: 'identity', table_name: 'probe' },
    ]);
    expect(await db.query(`SELECT to_regclass('public.migration') AS t`)).toEqual([{ t: null }]);
    expect(await db.query(`SELECT name FROM identity.migration ORDER BY id`)).toEqual([
      { name: 'PlatformOutboxInbox1763800000000' },
      { name: 'IsolationProbeTable1763800000001' },
    ]);
    // The tables belong to the service's role, not to an administrator.
    expect(await db.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'identity'`)).toEqual(
      [{ tableowner: 'identity_svc' }],
    );
  });
});
