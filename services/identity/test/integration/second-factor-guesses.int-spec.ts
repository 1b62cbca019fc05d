import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { signInternalToken, type Actor } from '@therapy-room/auth';
import { requestContext } from '@therapy-room/platform';
import {
  startInProcessService,
  testSigningKey,
  totpCode,
  uniqueName,
  type InProcessService,
  gatewayCredential,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { Clock } from '@therapy-room/platform';
import { PasswordHasher } from '../../src/common/password-hasher';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { UsersRepository } from '../../src/users/users.repository';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';
import { TwoFactorService } from '../../src/two-factor/two-factor.service';

const PASSWORD = 'Correct-Horse-Battery-9!';
const WRONG_RECOVERY = 'AAAAA-AAAAA';

describe('second-factor guesses: one hash verification each, throttled like a login (identity, real PostgreSQL and Kafka, injected clock)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let url: string;
  let now = Date.now();
  let verifications: jest.SpyInstance;
  const advance = (seconds: number) => (now += seconds * 1000);

  /** A client with a password and 2FA turned on (TOTP confirmed, ten recovery codes). */
  async function clientWithTwoFactor() {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const tenant = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin }));
    const email = `${uniqueName('client')}@example.org`;
    const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
    const id = await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId: tenant.tenantId,
        email,
        displayName: 'Client',
        role: 'client',
        status: 'active',
        passwordHash,
      }),
    );
    const user = (await app.get(UsersRepository).findInTenant(tenant.tenantId, id))!;
    const twoFactor = app.get(TwoFactorService);
    const { secret } = await twoFactor.startEnrolment(user);
    const recoveryCodes = (await requestContext.run(
      { requestId: `test-${randomUUID()}`, sourceAddress: '192.0.2.1' },
      () => twoFactor.confirmEnrolment(user, totpCode(secret, new Date(now))),
    ))!;
    expect(recoveryCodes).toHaveLength(10);
    const actor: Actor = {
      userId: id,
      tenantId: tenant.tenantId,
      roles: ['client'],
      region: 'eea',
      sessionId: randomUUID(),
    };
    return { slug, email, secret, recoveryCodes, actor };
  }
  const challengeFor = async (client: { slug: string; email: string }, from: string) => {
    const res = await request(url)
      .post('/auth/login')
      .set('authorization', gatewayCredential('POST', '/auth/login'))
      .set('x-client-address', from)
      .send({ organisation: client.slug, email: client.email, password: PASSWORD })
      .expect(200);
    expect(res.body.secondFactorRequired).toBe(true);
    return res.body.challenge as string;
  };
  const secondFactor = (challenge: string, code: string, from: string) =>
    request(url)
      .post('/auth/login/second-factor')
      .set('authorization', gatewayCredential('POST', '/auth/login/second-factor'))
      .set('x-client-address', from)
      .send({ challenge, code });
  const turnOff = (actor: Actor, code: string, from: string) =>
    request(url)
      .delete('/auth/2fa')
      .set('authorization', `Bearer ${signInternalToken(actor, testSigningKey, 'identity')}`)
      .set('x-client-address', from)
      .send({ code });

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity', { consume: false });
    ({ app, url } = identity);
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
    verifications = jest.spyOn(app.get(PasswordHasher), 'verify');
  });
  afterAll(async () => {
    await identity?.stop();
  });

  it('checks a typed recovery code against one stored hash, whether it is right, wrong or spent', async () => {
    const client = await clientWithTwoFactor();
    const from = '203.0.113.60';
    let challenge = await challengeFor(client, from);

    verifications.mockClear();
    await secondFactor(challenge, WRONG_RECOVERY, from).expect(401);
    expect(verifications).toHaveBeenCalledTimes(1);

    // The last of the ten codes (the one a scan over all codes would reach last).
    const code = client.recoveryCodes[9];
    verifications.mockClear();
    await secondFactor(challenge, code.toLowerCase(), from).expect(200);
    expect(verifications).toHaveBeenCalledTimes(1);

    challenge = await challengeFor(client, from);
    verifications.mockClear();
    await secondFactor(challenge, code, from).expect(401);
    expect(verifications).toHaveBeenCalledTimes(1);
    // The other codes still work.
    await secondFactor(challenge, client.recoveryCodes[0], from).expect(200);
  });

  it('throttles turning 2FA off like a login: at most 10 evaluated guesses per 15 minutes, each one verification, then 429 unevaluated', async () => {
    const client = await clientWithTwoFactor();
    const from = '203.0.113.61';
    const statuses: number[] = [];
    let recoveryGuessesEvaluated = 0;
    verifications.mockClear();
    for (let i = 0; i < 30; i++) {
      const res = await turnOff(client.actor, i % 2 ? WRONG_RECOVERY : '000000', from);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      } else {
        expect(res.body).toMatchObject({ status: 401, code: 'INVALID_CODE' });
        if (i % 2) recoveryGuessesEvaluated += 1;
      }
      advance(5);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.slice(-15).every((s) => s === 429)).toBe(true);
    // Evaluated recovery-code guesses cost one verification each, TOTP guesses none, refused ones none.
    expect(recoveryGuessesEvaluated).toBeGreaterThan(0);
    expect(verifications).toHaveBeenCalledTimes(recoveryGuessesEvaluated);

    // The same counter as the login's: the password from that address waits too.
    await request(url)
      .post('/auth/login')
      .set('authorization', gatewayCredential('POST', '/auth/login'))
      .set('x-client-address', from)
      .send({ organisation: client.slug, email: client.email, password: PASSWORD })
      .expect(429);
    // Even the right code is not looked at until the window has passed; then it works.
    await turnOff(client.actor, totpCode(client.secret, new Date(now)), from).expect(429);
    advance(15 * 60);
    await turnOff(client.actor, totpCode(client.secret, new Date(now)), from).expect(204);
  });
});
