import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  gatewayCallPurpose,
  generateSigningKey,
  signGatewayServiceToken,
  signInternalToken,
} from '@therapy-room/auth';
import {
  gatewayCredential,
  startInProcessService,
  testSigningKey,
  uniqueName,
  type InProcessService,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { PasswordHasher } from '../../src/common/password-hasher';
import { TenantsService } from '../../src/tenants/tenants.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';

const PASSWORD = 'Correct-Horse-Battery-9!';

/**
 * Identity's routes that run before there is a user (login, second factor, session resolution, single
 * sign-on, activation, password reset) answer the gateway only, proven by its service token: a caller
 * inside the cluster that can reach identity, but holds no gateway key, gets 401 before anything is
 * evaluated.
 */
describe('identity: gateway-only routes need the gateway service token (real PostgreSQL)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let url: string;
  let verifications: jest.SpyInstance;

  const gatewayOnly = [
    '/auth/login',
    '/sessions/resolve',
    '/auth/login/second-factor',
    '/auth/login/second-factor/enrol',
    '/auth/sso/start',
    '/auth/sso/callback',
    '/auth/activate',
    '/auth/password-reset/request',
    '/auth/password-reset/confirm',
  ];
  const post = (path: string, authorization?: string) => {
    const req = request(url).post(path).set('x-client-address', '198.51.100.20');
    return (authorization ? req.set('authorization', authorization) : req).send({});
  };

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity', { consume: false });
    ({ app, url } = identity);
    verifications = jest.spyOn(app.get(PasswordHasher), 'verify');
  });
  afterAll(async () => {
    await identity?.stop();
  });

  it.each(gatewayOnly)('POST %s without the gateway credential is 401', async (path) => {
    const res = await post(path).expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, detail: 'Authentication required.' });
  });

  it.each(gatewayOnly)(
    'POST %s with the gateway credential reaches the route (validation: 400)',
    async (path) => {
      await post(path, gatewayCredential('POST', path)).expect(400);
    },
  );

  it('refuses an actor token, a token for another route, for another service, or signed with another key', async () => {
    const actorToken = signInternalToken(
      {
        userId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        tenantId: '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d',
        roles: ['org_admin'],
        region: 'eea',
        sessionId: 's-1',
      },
      testSigningKey,
      'identity',
    );
    const purpose = gatewayCallPurpose('POST', '/sessions/resolve');
    for (const authorization of [
      `Bearer ${actorToken}`,
      gatewayCredential('POST', '/auth/activate'),
      gatewayCredential('GET', '/sessions/resolve'),
      `Bearer ${signGatewayServiceToken(testSigningKey, 'content', purpose)}`,
      `Bearer ${signGatewayServiceToken({ ...generateSigningKey(), kid: testSigningKey.kid }, 'identity', purpose)}`,
      `Bearer ${signGatewayServiceToken(generateSigningKey('other-kid'), 'identity', purpose)}`,
      'Basic Z2F0ZXdheTpnYXRld2F5',
    ]) {
      await post('/sessions/resolve', authorization).expect(401);
    }
  });

  it('accepts each gateway token once: a replayed one is refused', async () => {
    const credential = gatewayCredential('POST', '/sessions/resolve');
    await post('/sessions/resolve', credential).expect(400);
    await post('/sessions/resolve', credential).expect(401);
  });

  it('evaluates no password for a login without the credential, and logs in with it', async () => {
    const slug = uniqueName('org').replace(/_/g, '-');
    const email = `client@${slug}.example`;
    await app.get(TenantsService).createWithAdmin(
      createTenantSchema.parse({
        slug,
        name: `Org ${slug}`,
        region: 'eea',
        admin: { email, displayName: 'Admin', password: PASSWORD },
      }),
    );
    const body = { organisation: slug, email, password: PASSWORD };
    verifications.mockClear();
    await request(url).post('/auth/login').send(body).expect(401);
    expect(verifications).not.toHaveBeenCalled();
    const res = await request(url)
      .post('/auth/login')
      .set('authorization', gatewayCredential('POST', '/auth/login'))
      .send(body)
      .expect(200);
    expect(verifications).toHaveBeenCalledTimes(1);
    // An org admin must pass a second factor: the password step answers a challenge, not a session.
    expect(res.body).toMatchObject({ secondFactorRequired: true });
  });
});
