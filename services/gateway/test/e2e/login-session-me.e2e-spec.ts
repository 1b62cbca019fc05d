import request from 'supertest';
import { randomBytes } from 'node:crypto';
import {
  auditEntryRecordedV1,
  identitySessionRevokedV1,
  identityUserRegisteredV1,
} from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  startOtlpCollector,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const COOKIE = '__Host-tr_session';

describe('gateway e2e: login, session cookie, /api/me, bad input', () => {
  let stack: TestStack;
  let tenant: TestTenant;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  const login = (body: object) => request(stack.gatewayUrl).post('/api/auth/login').send(body);
  /** Password, then the second factor (org admins must have 2FA): what a browser ends up with. */
  const loginAsAdmin = async () => (await stack.loginAs(tenant)).cookie;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stack = await startStack({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    tenant = await stack.createTenant();
    // The org admin's first login enrols their authenticator (2FA is mandatory for org admins).
    expect((await stack.loginAs(tenant)).passwordStep).toBe('enrol');
  });
  afterAll(async () => {
    await stack?.stop();
    await collector?.stop();
  });

  it('reports liveness and readiness (its database, never Kafka: see readiness-without-kafka) on each service', async () => {
    const ready = await request(stack.identityUrl).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    expect(ready.body.info.kafka).toBeUndefined();
    const gatewayReady = await request(stack.gatewayUrl).get('/health/ready').expect(200);
    // The gateway has no database: it is ready once its organisation directory is loaded.
    expect(gatewayReady.body).toMatchObject({
      status: 'ok',
      info: { 'organisation-directory': { status: 'up' } },
      error: {},
    });
    await request(stack.gatewayUrl).get('/health/live').expect(200);
  });

  it('logs in with a __Host- cookie that is HttpOnly, Secure, SameSite=Strict, Path=/ and has no Domain', async () => {
    // The password alone sets no cookie: the org admin must pass the second factor first.
    const res = await login({
      organisation: tenant.slug,
      email: tenant.adminEmail,
      password: tenant.adminPassword,
    }).expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toEqual({
      secondFactorRequired: true,
      challenge: expect.any(String),
      expiresAt: expect.any(String),
    });
    const done = await stack.loginAs(tenant);
    const raw = done.setCookie[0];
    const attributes = raw.split(';').map((a) => a.trim().toLowerCase());
    expect(raw.startsWith(`${COOKIE}=`)).toBe(true);
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/']));
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(done.cookie.length).toBeGreaterThan(COOKIE.length + 40);
    expect(done.body).toEqual({
      user: { id: tenant.adminId, role: 'org_admin', tenantId: tenant.tenantId },
      expiresAt: expect.any(String),
    });
    expect(JSON.stringify(done.body)).not.toContain(done.cookie.split('=')[1]);
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('shows the profile at /api/me with the cookie, and 401 without it or with a tampered one', async () => {
    const { cookie } = await stack.loginAs({
      organisation: tenant.slug,
      email: tenant.adminEmail.toUpperCase(),
      password: tenant.adminPassword,
    });
    const me = await request(stack.gatewayUrl).get('/api/me').set('cookie', cookie).expect(200);
    expect(me.body).toEqual({
      id: tenant.adminId,
      email: tenant.adminEmail,
      displayName: 'Admin',
      role: 'org_admin',
      status: 'active',
      organisation: { id: tenant.tenantId, slug: tenant.slug, name: `Org ${tenant.slug}`, region: 'eea' },
    });
    const none = await request(stack.gatewayUrl).get('/api/me').expect(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.body).toMatchObject({
      status: 401,
      detail: 'Authentication required.',
      requestId: none.headers['x-request-id'],
    });
    expect(none.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    const value = cookie.split('=')[1];
    const tampered = `${COOKIE}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    await request(stack.gatewayUrl).get('/api/me').set('cookie', tampered).expect(401);
    await request(stack.gatewayUrl)
      .get('/api/me')
      .set('cookie', `${COOKIE}=${randomBytes(32).toString('base64url')}`)
      .expect(401);
  });

  it('answers a wrong password, an unknown e-mail and an unknown organisation with the same generic 401', async () => {
    const wrong = await login({
      organisation: tenant.slug,
      email: tenant.adminEmail,
      password: 'Not-the-password-1!',
    }).expect(401);
    const unknownUser = await login({
      organisation: tenant.slug,
      email: 'nobody@example.org',
      password: 'Not-the-password-1!',
    }).expect(401);
    const unknownOrg = await login({
      organisation: 'no-such-org',
      email: tenant.adminEmail,
      password: tenant.adminPassword,
    }).expect(401);
    for (const res of [wrong, unknownUser, unknownOrg]) {
      expect(res.body).toMatchObject({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        detail: 'The organisation, e-mail address or password is not correct.',
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it("passes the client's address to identity: throttling and audit see it, and a 429 keeps its Retry-After", async () => {
    const audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
    // supertest connects from loopback, which the gateway trusts as a proxy: X-Forwarded-For is the client.
    const guess = () =>
      login({ organisation: tenant.slug, email: tenant.adminEmail, password: 'Not-the-password-1!' }).set(
        'x-forwarded-for',
        '203.0.113.9',
      );
    for (let i = 0; i < 5; i++) await guess().expect(401);
    const throttled = await guess().expect(429);
    expect(throttled.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(throttled.body).toMatchObject({ status: 429, detail: 'Too many attempts. Try again later.' });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The same account from the gateway's other clients is not affected.
    await loginAsAdmin();
    await expectEventually(() => {
      const outcomes = audit.messages
        .map((m) => JSON.parse(m.value!.toString()))
        .filter((e) => e.payload.sourceAddress === '203.0.113.9')
        .map((e) => e.payload.outcome);
      expect(outcomes).toEqual([...Array(5).fill('failure'), 'throttled']);
    });
    await audit.stop();
  });

  it('refuses bad input with field-level 400s, 413 and 415, never a 500 or a stack trace', async () => {
    const wrongTypes = await login({ organisation: 42, email: ['x'], password: null }).expect(400);
    expect(wrongTypes.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'email',
      'organisation',
      'password',
    ]);
    const unknownField = await login({
      organisation: tenant.slug,
      email: tenant.adminEmail,
      password: 'x',
      admin: true,
    }).expect(400);
    expect(unknownField.body.errors).toContainEqual({ path: 'admin', message: 'is not allowed' });
    const malformed = await request(stack.gatewayUrl)
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('{"organisation":')
      .expect(400);
    expect(malformed.body.detail).toBe('The request body is not valid JSON.');
    const oversized = await login({
      organisation: tenant.slug,
      email: tenant.adminEmail,
      password: 'x'.repeat(200_000),
    }).expect(413);
    expect(oversized.body.detail).toBe('The request body is too large.');
    const form = await request(stack.gatewayUrl)
      .post('/api/auth/login')
      .type('form')
      .send('organisation=x&email=y&password=z')
      .expect(415);
    expect(form.body.status).toBe(415);
    const crossSite = await login({
      organisation: tenant.slug,
      email: tenant.adminEmail,
      password: tenant.adminPassword,
    })
      .set('sec-fetch-site', 'cross-site')
      .expect(403);
    expect(crossSite.headers['set-cookie']).toBeUndefined();
    await request(stack.gatewayUrl).get('/api/no-such-thing').expect(404);
    for (const res of [wrongTypes, unknownField, malformed, oversized, form, crossSite]) {
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+:\d+:\d+|Error:|node_modules/);
    }
  });

  it('lets an org admin add a client through the gateway; identity publishes identity.user.registered.v1 without personal data', async () => {
    const probe = await collectTopics([`${stack.prefix}${identityUserRegisteredV1.topic}`]);
    const cookie = await loginAsAdmin();
    const created = await request(stack.gatewayUrl)
      .post('/api/users')
      .set('cookie', cookie)
      .send({ email: 'Client.One@example.org', displayName: 'Client One', role: 'client' })
      .expect(201);
    const event = await expectEventually(() => {
      const found = probe.messages
        .map((m) => JSON.parse(m.value!.toString()))
        .find((e) => e.subjectId === created.body.id);
      expect(found).toBeDefined();
      return found;
    });
    expect(event).toMatchObject({
      type: 'identity.user.registered.v1',
      tenantId: tenant.tenantId,
      payload: { userId: created.body.id, role: 'client' },
    });
    expect(JSON.stringify(event)).not.toMatch(/client\.one|Client One/i);
    const duplicate = await request(stack.gatewayUrl)
      .post('/api/users')
      .set('cookie', cookie)
      .send({ email: 'client.one@example.org', displayName: 'Again', role: 'client' })
      .expect(409);
    expect(duplicate.body.code).toBe('EMAIL_TAKEN');
    await request(stack.gatewayUrl)
      .post('/api/users')
      .set('cookie', cookie)
      .send({ email: 'x@example.org', displayName: 'X', role: 'org_admin' })
      .expect(400);
    await probe.stop();
  });

  it('logs out: the cookie is cleared, the session is revoked everywhere, and one trace spans gateway → identity → Kafka → gateway consumer', async () => {
    const revocations = await collectTopics([`${stack.prefix}${identitySessionRevokedV1.topic}`]);
    const cookie = await loginAsAdmin();
    await request(stack.gatewayUrl).get('/api/me').set('cookie', cookie).expect(200);
    const traceId = randomBytes(16).toString('hex');
    const logout = await request(stack.gatewayUrl)
      .post('/api/auth/logout')
      .set('cookie', cookie)
      .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`)
      .expect(204);
    expect(([] as string[]).concat(logout.headers['set-cookie'])[0]).toMatch(
      new RegExp(`^${COOKIE}=;.*Expires=Thu, 01 Jan 1970`),
    );
    await request(stack.gatewayUrl).get('/api/me').set('cookie', cookie).expect(401);
    await expectEventually(() => expect(revocations.messages).toHaveLength(1));
    expect(revocations.messages[0].headers!.traceparent!.toString()).toContain(traceId);

    const spansOf = () => collector.spans.filter((s) => s.traceId === traceId);
    await expectEventually(() => {
      const spans = spansOf();
      expect(spans).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: 'gateway', kind: 2 }),
          expect.objectContaining({ service: 'identity', kind: 2 }),
          expect.objectContaining({
            service: 'gateway',
            name: `${identitySessionRevokedV1.topic} process`,
            kind: 5,
          }),
        ]),
      );
    });
    const spans = spansOf();
    const consumer = spans.find((s) => s.kind === 5)!;
    const parent = spans.find((s) => s.spanId === consumer.parentSpanId);
    expect(parent?.service).toBe('identity');
    await revocations.stop();
  });

  // Last: it revokes sessions, whose events the logout test above counts from the topic's start.
  it('signing in again in the same browser (re-authentication) ends the session it held: audited as replaced, never two live sessions', async () => {
    const audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
    const client = await stack.addActiveUser(tenant, 'client');
    const credentials = { organisation: tenant.slug, email: client.email, password: client.password };
    const cookieOf = (res: request.Response) =>
      ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith(`${COOKIE}=`))!
        .split(';')[0];
    const first = cookieOf(await login(credentials).expect(200));
    await request(stack.gatewayUrl).get('/api/me').set('cookie', first).expect(200);
    const again = await login(credentials).set('cookie', first).expect(200);
    const second = cookieOf(again);
    expect(second).not.toBe(first);
    await request(stack.gatewayUrl).get('/api/me').set('cookie', first).expect(401);
    await request(stack.gatewayUrl).get('/api/me').set('cookie', second).expect(200);
    const live = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM identity.session WHERE user_id = $1 AND revoked_at IS NULL`,
      [client.id],
    );
    expect(live[0].n).toBe(1);
    const ended = await expectEventually(() => {
      const entries = audit.messages
        .map(
          (m) => JSON.parse(m.value!.toString()) as { subjectId: string; payload: Record<string, unknown> },
        )
        .filter((e) => e.subjectId === client.id && e.payload.action === 'auth.logout');
      expect(entries).toHaveLength(1);
      return entries[0].payload;
    });
    expect(ended).toMatchObject({
      outcome: 'success',
      actorId: client.id,
      resource: 'session',
      reason: 'replaced',
    });
    // A cookie that is no longer live changes nothing: the sign-in goes through, nothing else ends.
    const third = cookieOf(await login(credentials).set('cookie', first).expect(200));
    await request(stack.gatewayUrl).get('/api/me').set('cookie', second).expect(200);
    await request(stack.gatewayUrl).get('/api/me').set('cookie', third).expect(200);
    await audit.stop();
  });
});
