import request from 'supertest';
import { identitySessionRevokedV1 } from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  startStack,
  type ServiceProcess,
  type LoginCredentials,
  type TestStack,
} from '@therapy-room/testing';

const COOKIE = '__Host-tr_session';

const sessionCookie = (res: request.Response): string => {
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const ours = setCookie.find((c) => c.startsWith(`${COOKIE}=`));
  if (!ours) throw new Error(`no ${COOKIE} cookie in ${JSON.stringify(setCookie)}`);
  return ours.split(';')[0];
};

describe('gateway e2e: a revocation reaches every gateway within one second', () => {
  let stack: TestStack;
  let gateway2: ServiceProcess;
  /** A client account with a password (no second factor). */
  let client: LoginCredentials & { id: string };

  const login = async (password = client.password) =>
    sessionCookie(
      await request(stack.gatewayUrl)
        .post('/api/auth/login')
        .send({ organisation: client.organisation, email: client.email, password })
        .expect(200),
    );

  beforeAll(async () => {
    stack = await startStack();
    gateway2 = await stack.startExtraGateway();
    const tenant = await stack.createTenant();
    client = await stack.addActiveUser(tenant, 'client');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('logout-everywhere through gateway 1: gateway 2, which holds the session in its cache, refuses it within 1,000 ms', async () => {
    const revocations = await collectTopics([`${stack.prefix}${identitySessionRevokedV1.topic}`]);
    // Both gateways' consumers are live: a first revocation reaches gateway 2 (not measured here).
    const warmup = await login();
    await request(gateway2.url).get('/api/me').set('cookie', warmup).expect(200);
    await request(stack.gatewayUrl).post('/api/auth/logout').set('cookie', warmup).expect(204);
    await expectEventually(() => request(gateway2.url).get('/api/me').set('cookie', warmup).expect(401));

    const laptop = await login();
    const phone = await login();
    for (const cookie of [laptop, phone]) {
      await request(stack.gatewayUrl).get('/api/me').set('cookie', cookie).expect(200);
      await request(gateway2.url).get('/api/me').set('cookie', cookie).expect(200);
    }
    const out = await request(stack.gatewayUrl)
      .post('/api/auth/logout-everywhere')
      .set('cookie', laptop)
      .expect(204);
    const loggedOutAt = Date.now();
    expect(([] as string[]).concat(out.headers['set-cookie'])[0]).toMatch(
      new RegExp(`^${COOKIE}=;.*Expires=Thu, 01 Jan 1970`),
    );
    // Without the event, gateway 2 would serve its cached session for up to 5 s (SessionCache.TTL_MS).
    await expectEventually(
      async () => {
        await request(gateway2.url).get('/api/me').set('cookie', phone).expect(401);
        await request(gateway2.url).get('/api/me').set('cookie', laptop).expect(401);
      },
      { timeoutMs: 1_000, intervalMs: 25 },
    );
    const elapsed = Date.now() - loggedOutAt;
    expect(elapsed).toBeLessThan(1_000);
    await request(stack.gatewayUrl).get('/api/me').set('cookie', phone).expect(401);

    await expectEventually(() => {
      const reasons = revocations.messages
        .map((m) => JSON.parse(m.value!.toString()))
        .filter((e) => e.payload.reason === 'logout_everywhere');
      expect(reasons).toHaveLength(2);
    });
    await revocations.stop();
  });

  it('changes the password through the gateway: a new cookie, no token in the body, every other session refused everywhere', async () => {
    const current = await login();
    const other = await login();
    await request(gateway2.url).get('/api/me').set('cookie', other).expect(200);
    await request(gateway2.url).get('/api/me').set('cookie', current).expect(200);
    const newPassword = 'Another-Long-Passphrase-7#';
    const changed = await request(stack.gatewayUrl)
      .post('/api/auth/password')
      .set('cookie', current)
      .send({ currentPassword: client.password, newPassword })
      .expect(200);
    expect(changed.body).toEqual({ expiresAt: expect.any(String) });
    const rotated = sessionCookie(changed);
    expect(rotated).not.toBe(current);
    expect(JSON.stringify(changed.body)).not.toContain(rotated.split('=')[1]);
    await request(stack.gatewayUrl).get('/api/me').set('cookie', rotated).expect(200);
    await request(gateway2.url).get('/api/me').set('cookie', rotated).expect(200);
    await expectEventually(
      async () => {
        await request(gateway2.url).get('/api/me').set('cookie', other).expect(401);
        await request(gateway2.url).get('/api/me').set('cookie', current).expect(401);
      },
      { timeoutMs: 1_000, intervalMs: 25 },
    );
    await request(stack.gatewayUrl).get('/api/me').set('cookie', current).expect(401);
    await login(newPassword);
    const wrong = await request(stack.gatewayUrl)
      .post('/api/auth/password')
      .set('cookie', rotated)
      .send({ currentPassword: 'Not-The-Password-1!', newPassword: 'Yet-Another-Passphrase-8#' })
      .expect(400);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: 'is not correct' }]);
  });
});
