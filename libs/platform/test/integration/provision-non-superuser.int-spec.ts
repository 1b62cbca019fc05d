import { once } from 'node:events';
import { Client } from 'pg';
import { createTestDatabase, spawnTs, testProvisionUrl, type TestDatabase } from '@therapy-room/testing';

/**
 * The Helm hook provisions with CloudNativePG's `therapy_room_admin`: CREATEROLE and owner of the
 * database, not a superuser. On PostgreSQL 16+ such a role may not `CREATE SCHEMA … AUTHORIZATION r`
 * unless it can SET ROLE r; the tests provision with such an administrator so this cannot hide again.
 */
describe('provisioning with a non-superuser administrator', () => {
  let db: TestDatabase;
  const clients: Client[] = [];
  const connect = async (url: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await db?.drop();
  });

  it('is what the tests provision with: CREATEROLE, not a superuser, on PostgreSQL 16 or later', async () => {
    const admin = await connect(testProvisionUrl(db.name));
    const [me] = (
      await admin.query<{ rolsuper: boolean; rolcreaterole: boolean; version: string }>(
        `SELECT rolsuper, rolcreaterole, current_setting('server_version_num') AS version
           FROM pg_roles WHERE rolname = current_user`,
      )
    ).rows;
    expect(me).toEqual({ rolsuper: false, rolcreaterole: true, version: expect.any(String) });
    expect(Number(me.version)).toBeGreaterThanOrEqual(160000);
  });

  it("gives each service its own schema, owned by its role, and the runtime role the owner's tables", async () => {
    const caseload = await db.provision('caseload');
    const audit = await db.provision('audit', { separateOwner: true });
    // Idempotent: the hook Job runs again on every upgrade.
    await db.provision('caseload');
    await db.provision('audit', { separateOwner: true });

    const owners = await db.query<{ nspname: string; owner: string }>(
      `SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace
        WHERE nspname IN ('caseload', 'audit') ORDER BY nspname`,
    );
    expect(owners).toEqual([
      { nspname: 'audit', owner: 'audit_owner' },
      { nspname: 'caseload', owner: 'caseload_svc' },
    ]);

    const caseloadDb = await connect(caseload.DATABASE_URL);
    await caseloadDb.query(`CREATE TABLE probe (id integer PRIMARY KEY)`);
    await caseloadDb.query(`INSERT INTO probe VALUES (1)`);
    expect((await caseloadDb.query(`SELECT id FROM probe`)).rows).toEqual([{ id: 1 }]);

    const auditOwner = await connect(audit.DATABASE_OWNER_URL!);
    await auditOwner.query(`CREATE TABLE entry (id integer PRIMARY KEY)`);
    const auditRuntime = await connect(audit.DATABASE_URL);
    await auditRuntime.query(`INSERT INTO entry VALUES (7)`);
    expect((await auditRuntime.query(`SELECT id FROM entry`)).rows).toEqual([{ id: 7 }]);
    await expect(auditRuntime.query(`DROP TABLE entry`)).rejects.toThrow(/must be owner/);
  });

  it("does not give the administrator the services' privileges (SET, not INHERIT)", async () => {
    await db.provision('content');
    const contentDb = await connect((await db.provision('content')).DATABASE_URL);
    await contentDb.query(`CREATE TABLE secret_probe (id integer)`);
    const admin = await connect(testProvisionUrl(db.name));
    await expect(admin.query(`SELECT * FROM content.secret_probe`)).rejects.toThrow(/permission denied/);
  });

  it("runs the Helm hook's entry (tools/dev/src/provision.ts) with the cluster's kind of administrator", async () => {
    const url = (role: string) =>
      Object.assign(new URL(testProvisionUrl(db.name)), {
        username: role,
        password: `${role}-hook-pw`,
      }).toString();
    const hook = spawnTs('tools/dev/src/provision.ts', [], {
      DATABASE_ADMIN_URL: testProvisionUrl(),
      DATABASE_URL: url('hooked_svc'),
      DATABASE_OWNER_URL: url('hooked_owner'),
      DATABASE_SCHEMA: 'hooked',
    });
    const output: string[] = [];
    hook.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    hook.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const [code] = (await once(hook, 'exit')) as [number];
    expect({ code, output: output.join('') }).toEqual({
      code: 0,
      output: 'provisioned role hooked_svc and schema hooked\n',
    });
    const owner = await db.query(
      `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'hooked'`,
    );
    expect(owner).toEqual([{ owner: 'hooked_owner' }]);
    const runtime = await connect(url('hooked_svc'));
    expect((await runtime.query(`SHOW search_path`)).rows).toEqual([{ search_path: 'hooked' }]);
  });
});
