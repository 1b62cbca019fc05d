import request from 'supertest';
import {
  expectEventually,
  startStack,
  type LoginCredentials,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const GATED = 'PRIVACY_ACKNOWLEDGEMENT_REQUIRED';

describe('gateway e2e: the privacy statement gate', () => {
  let stack: TestStack;
  let tenant: TestTenant;
  let admin: string;
  /** A client account with a password (no second factor). */
  let client: LoginCredentials & { id: string };

  const publish = (cookie: string, text: string) =>
    request(stack.gatewayUrl).post('/api/tenant/privacy-statements').set('cookie', cookie).send({ text });
  const acknowledge = (cookie: string, version: unknown) =>
    request(stack.gatewayUrl)
      .post('/api/auth/privacy-statement/acknowledge')
      .set('cookie', cookie)
      .send({ version });
  /** A route behind the gate: inviting someone (a 400 for this empty body, once through the gate). */
  const gatedCall = (cookie: string) =>
    request(stack.gatewayUrl).post('/api/users').set('cookie', cookie).send({});

  beforeAll(async () => {
    // Cached sessions live a minute here: a session gated again within the test's bound below was
    // dropped by the publication (identity's event to every gateway), never by the cache expiring.
    stack = await startStack({ SESSION_CACHE_TTL_SECONDS: '60' });
    tenant = await stack.createTenant();
    client = await stack.addActiveUser(tenant, 'client');
    admin = (await stack.loginAs(tenant)).cookie;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('holds everyone at the gate until they acknowledge the current version, and again for a new one', async () => {
    // No statement yet: no gate.
    const clientCookie = (await stack.loginAs(client)).cookie;
    await gatedCall(clientCookie).expect(400);
    await request(stack.gatewayUrl)
      .get('/api/tenant/privacy-statement')
      .set('cookie', clientCookie)
      .expect(404);

    const v1 = await publish(admin, '# Privacy\n\nWe keep your data in the EEA.').expect(201);
    expect(v1.body).toMatchObject({ version: 1, publishedBy: tenant.adminId, acknowledged: false });
    // The publishing admin is gated too (every role).
    // (its cached session goes when the publication event reaches the gateway)
    await expectEventually(async () => {
      const adminGated = await gatedCall(admin).expect(403);
      expect(adminGated.body).toMatchObject({ code: GATED, privacyStatementVersion: 1 });
    });
    await acknowledge(admin, 1).expect(200);
    await gatedCall(admin).expect(400);

    const fresh = (await stack.loginAs(client)).cookie;
    for (const cookie of [fresh, clientCookie]) {
      await expectEventually(async () => {
        const refused = await gatedCall(cookie).expect(403);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({
          status: 403,
          code: GATED,
          detail: 'Please read and accept the privacy statement of your organisation first.',
          privacyStatementVersion: 1,
        });
      });
    }
    await request(stack.gatewayUrl).post('/api/auth/password').set('cookie', fresh).send({}).expect(403);
    await request(stack.gatewayUrl).get('/api/me').set('cookie', fresh).expect(200);
    const statement = await request(stack.gatewayUrl)
      .get('/api/tenant/privacy-statement')
      .set('cookie', fresh)
      .expect(200);
    expect(statement.body).toMatchObject({
      version: 1,
      text: expect.stringContaining('EEA'),
      acknowledged: false,
    });

    const acked = await acknowledge(fresh, 1).expect(200);
    expect(acked.body).toEqual({ version: 1, acknowledgedAt: expect.any(String) });
    await gatedCall(fresh).expect(400);
    const rows = await stack.db.query<{ version: number }>(
      `SELECT a.version FROM identity.privacy_acknowledgement a
         JOIN identity.user_account u ON u.id = a.user_id WHERE u.email = $1`,
      [client.email],
    );
    expect(rows).toEqual([{ version: 1 }]);

    // A new version: the cached sessions are dropped at once (not at the cache's expiry, a minute
    // after the session was last resolved above) and gated again. The bound is far below that minute
    // and far above any delay under load, so the assertion cannot flake either way.
    await publish(admin, '# Privacy\n\nVersion 2: we also keep diaries.').expect(201);
    await expectEventually(
      async () => {
        const refused = await gatedCall(fresh).expect(403);
        expect(refused.body).toMatchObject({ code: GATED, privacyStatementVersion: 2 });
      },
      { timeoutMs: 20_000, intervalMs: 25 },
    );
    await acknowledge(fresh, 1).expect(409);
    await acknowledge(fresh, 2).expect(200);
    await gatedCall(fresh).expect(400);
    await acknowledge(fresh, 1).expect(409);
    await acknowledge(admin, 2).expect(200);
  });

  it('lets only org admins publish, and refuses bad input with field-level 400s', async () => {
    const clientCookie = (await stack.loginAs(client)).cookie;
    const current = await request(stack.gatewayUrl)
      .get('/api/tenant/privacy-statement')
      .set('cookie', clientCookie)
      .expect(200);
    if (!current.body.acknowledged) await acknowledge(clientCookie, current.body.version).expect(200);
    const refused = await publish(clientCookie, 'A statement by a client').expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');

    const unknown = await request(stack.gatewayUrl)
      .post('/api/tenant/privacy-statements')
      .set('cookie', admin)
      .send({ text: 'x', health: 'none' })
      .expect(400);
    expect(unknown.body.errors).toEqual([{ path: 'health', message: 'is not allowed' }]);
    const oversized = await publish(admin, 'x'.repeat(96_001)).expect(400);
    expect(oversized.body.errors).toEqual([expect.objectContaining({ path: 'text' })]);
    await publish(admin, '').expect(400);
    await acknowledge(clientCookie, 'one').expect(400);
    await request(stack.gatewayUrl)
      .post('/api/auth/privacy-statement/acknowledge')
      .set('cookie', clientCookie)
      .send({ version: 1, extra: true })
      .expect(400);
    await acknowledge(clientCookie, 99).expect(409);
    await request(stack.gatewayUrl)
      .post('/api/auth/privacy-statement/acknowledge')
      .send({ version: 1 })
      .expect(401);
  });
});
