import { identityTenantCreatedV1, identityUserRegisteredV1 } from '@therapy-room/contracts';
import {
  collectTopics,
  createTestDatabase,
  expectEventually,
  runIdentityCli,
  serviceEnv,
  startServiceProcess,
  uniqueName,
  freePort,
  type ServiceProcess,
  type TestDatabase,
} from '@therapy-room/testing';

describe('identity ops CLI: create an organisation with its first org admin', () => {
  let db: TestDatabase;
  let identity: ServiceProcess;
  let env: Record<string, string>;
  const password = 'Tr0ub4dor&3-long';
  const cli = (args: string[], adminPassword = password) =>
    runIdentityCli(args, { ...env, LOG_LEVEL: 'error', TENANT_ADMIN_PASSWORD: adminPassword });
  const args = (slug: string, region = 'eea') => [
    'create-tenant',
    '--slug',
    slug,
    '--name',
    'Clinic',
    '--region',
    region,
    '--seats',
    '5',
    '--admin-email',
    `Admin@${slug}.example`,
    '--admin-name',
    'Admin',
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    env = serviceEnv('identity', {
      ...(await db.provision('identity')),
      PORT: String(await freePort()),
      KAFKA_TOPIC_PREFIX: `${uniqueName('t')}.`,
    });
    identity = await startServiceProcess('identity', env);
  });
  afterAll(async () => {
    await identity?.stop();
    await db?.drop();
  });

  it('creates the tenant and admin in one transaction and publishes both events through the outbox', async () => {
    const probe = await collectTopics([
      `${env.KAFKA_TOPIC_PREFIX}${identityTenantCreatedV1.topic}`,
      `${env.KAFKA_TOPIC_PREFIX}${identityUserRegisteredV1.topic}`,
    ]);
    const slug = 'north-clinic';
    const result = await cli(args(slug));
    expect(result).toMatchObject({ code: 0 });
    const { tenantId, adminId, created } = JSON.parse(result.stdout);
    expect(created).toBe(true);
    const [user] = await db.query<{ email: string; role: string; status: string; password_hash: string }>(
      `SELECT email, role, status, password_hash FROM identity.user_account WHERE id = $1`,
      [adminId],
    );
    expect(user).toMatchObject({ email: `admin@${slug}.example`, role: 'org_admin', status: 'active' });
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expectEventually(() => expect(probe.messages).toHaveLength(2));
    const events = probe.messages.map((m) => JSON.parse(m.value!.toString()));
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'identity.tenant.created.v1',
          tenantId,
          subjectId: null,
          payload: { tenantId, slug, region: 'eea', professionalSeats: 5 },
        }),
        expect.objectContaining({
          type: 'identity.user.registered.v1',
          tenantId,
          subjectId: adminId,
          payload: { userId: adminId, role: 'org_admin' },
        }),
      ]),
    );
    expect(JSON.stringify(events)).not.toContain('example');
    await probe.stop();
  });

  it('answers with trace and request ids even when no trace exporter is configured', async () => {
    const res = await fetch(`${identity.url}/me`, { headers: { 'x-request-id': 'req-12345678' } });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { status: number; requestId: string; traceId: string };
    expect(body).toMatchObject({ status: 401, requestId: 'req-12345678' });
    expect(body.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
  });

  it('refuses an organisation of the other region: it must be created in that region', async () => {
    const result = await cli(args('london-clinic', 'uk'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('This is the eea region; create uk organisations in the uk region.');
    expect(await db.query(`SELECT 1 FROM identity.tenant WHERE slug = 'london-clinic'`)).toHaveLength(0);
  });

  it('refuses bad input with field-level messages and writes nothing', async () => {
    const result = await cli(
      [
        'create-tenant',
        '--slug',
        'Bad Slug!',
        '--name',
        '',
        '--region',
        'eea',
        '--admin-email',
        'not-an-email',
        '--admin-name',
        'A',
      ],
      'short',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/slug: /);
    expect(result.stderr).toMatch(/admin\.email: /);
    expect(result.stderr).not.toContain('short');
    expect(await db.query(`SELECT 1 FROM identity.tenant WHERE slug = 'Bad Slug!'`)).toHaveLength(0);
  });

  it('refuses a common admin password under the password policy and writes nothing', async () => {
    // Both are long enough and hold a special character: only the common-password list refuses them.
    for (const [slug, common] of [
      ['common-exact', 'Minnesota_HP'],
      ['common-suffix', 'Password123!'],
    ]) {
      const result = await cli(args(slug), common);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/TENANT_ADMIN_PASSWORD: is (one of the most|a) commonly used/);
      expect(result.stderr).not.toContain(common);
      expect(await db.query(`SELECT 1 FROM identity.tenant WHERE slug = $1`, [slug])).toHaveLength(0);
    }
  });

  it('creates platform staff only in an operator organisation (create-tenant --operator)', async () => {
    const staff = (tenant: string, staffPassword = password) =>
      runIdentityCli(
        ['create-staff', '--email', `it@${tenant}.example`, '--name', 'IT', '--tenant', tenant],
        { ...env, LOG_LEVEL: 'error', STAFF_PASSWORD: staffPassword },
      );
    expect(await cli(args('plain-org'))).toMatchObject({ code: 0 });
    const refused = await staff('plain-org');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no operator organisation "plain-org"');
    expect(await cli([...args('operator-org'), '--operator'])).toMatchObject({ code: 0 });
    const weak = await staff('operator-org', 'short');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('STAFF_PASSWORD');
    const created = await staff('operator-org');
    expect(created).toMatchObject({ code: 0 });
    const { userId } = JSON.parse(created.stdout);
    const rows = await db.query<{ role: string; is_operator: boolean }>(
      `SELECT u.role, t.is_operator FROM identity.user_account u JOIN identity.tenant t ON t.id = u.tenant_id
        WHERE u.id = $1`,
      [userId],
    );
    expect(rows).toEqual([{ role: 'platform_staff', is_operator: true }]);
  });

  it('refuses a taken slug, unless asked to create it only if missing', async () => {
    const taken = await cli(args('north-clinic'));
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('The organisation slug "north-clinic" is taken.');
    const idempotent = await cli([...args('north-clinic'), '--if-not-exists']);
    expect(idempotent.code).toBe(0);
    expect(JSON.parse(idempotent.stdout)).toEqual({ created: false, slug: 'north-clinic' });
    expect(await db.query(`SELECT 1 FROM identity.tenant WHERE slug = 'north-clinic'`)).toHaveLength(1);
  });
});
