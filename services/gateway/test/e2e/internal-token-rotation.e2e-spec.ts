import request from 'supertest';
import { generateSigningKey, signInternalToken } from '@therapy-room/auth';
import { startStack, testSigningKey, type TestStack, type TestTenant } from '@therapy-room/testing';

/**
 * Rotating the gateway's signing key without downtime: services first trust old and new key, then the
 * gateway signs with the new one, then the old key is withdrawn. Every step keeps serving.
 */
describe('internal token key rotation', () => {
  let stack: TestStack;
  let tenant: TestTenant;
  let cookie: string;
  const next = generateSigningKey('key-2026-12');
  const keySet = (...keys: { kid: string; publicKeyPem: string }[]) =>
    JSON.stringify(Object.fromEntries(keys.map((k) => [k.kid, k.publicKeyPem])));
  const me = () => request(stack.gatewayUrl).get('/api/me').set('cookie', cookie);
  const tokenSignedWith = (key: { kid: string; privateKeyPem: string }) =>
    signInternalToken(
      {
        userId: tenant.adminId,
        tenantId: tenant.tenantId,
        roles: ['org_admin'],
        region: 'eea',
        sessionId: 'rotation-test',
      },
      key,
      'identity',
    );
  const identityMe = (token: string) =>
    request(stack.identityUrl).get('/me').set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    stack = await startStack();
    tenant = await stack.createTenant();
    cookie = (await stack.loginAs(tenant)).cookie;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps serving through every step, and refuses the old key once it is withdrawn', async () => {
    await me().expect(200);
    await identityMe(tokenSignedWith(next)).expect(401);

    await stack.restart('identity', { INTERNAL_TOKEN_PUBLIC_KEYS: keySet(testSigningKey, next) });
    await me().expect(200);
    await identityMe(tokenSignedWith(testSigningKey)).expect(200);
    await identityMe(tokenSignedWith(next)).expect(200);

    await stack.restart('gateway', {
      INTERNAL_TOKEN_KID: next.kid,
      INTERNAL_TOKEN_PRIVATE_KEY: next.privateKeyPem,
    });
    await me().expect(200);

    await stack.restart('identity', { INTERNAL_TOKEN_PUBLIC_KEYS: keySet(next) });
    const profile = await me().expect(200);
    expect(profile.body.id).toBe(tenant.adminId);
    const refused = await identityMe(tokenSignedWith(testSigningKey)).expect(401);
    expect(refused.body).toMatchObject({ status: 401, detail: 'Authentication required.' });
  });
});
