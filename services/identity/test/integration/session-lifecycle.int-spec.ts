import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  auditEntryRecordedV1,
  identitySessionRevokedV1,
  identityUserDeactivatedV1,
  identityUserReactivatedV1,
  type EventEnvelope,
} from '@therapy-room/contracts';
import { signInternalToken, type Actor } from '@therapy-room/auth';
import {
  gatewayCredential,
  startInProcessService,
  type InProcessService,
  collectTopics,
  expectEventually,
  testSigningKey,
  uniqueName,
  type TestDatabase,
} from '@therapy-room/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Clock } from '@therapy-room/platform';
import { PasswordHasher } from '../../src/common/password-hasher';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';

const PASSWORD = 'Correct-Horse-Battery-9!';
const MINUTE = 60;
type Message = EventEnvelope<Record<string, unknown>>;

describe('session lifecycle (identity, real PostgreSQL and Kafka, injected clock)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let url: string;
  let db: TestDatabase;
  let prefix: string;
  let probe: Awaited<ReturnType<typeof collectTopics>>;
  let now = Date.now();
  const advance = (seconds: number) => (now += seconds * 1000);

  const events = (topic: string): Message[] =>
    probe.messages
      .filter((m) => m.topic === `${prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as Message);
  const bearer = (actor: Actor) => `Bearer ${signInternalToken(actor, testSigningKey, 'identity')}`;
  const login = (organisation: string, email: string, password = PASSWORD) =>
    request(url)
      .post('/auth/login')
      .set('authorization', gatewayCredential('POST', '/auth/login'))
      .set('x-client-address', '198.51.100.7')
      .send({ organisation, email, password });
  const session = async (organisation: string, email: string) => {
    const res = await login(organisation, email).expect(200);
    const resolved = await request(url)
      .post('/sessions/resolve')
      .set('authorization', gatewayCredential('POST', '/sessions/resolve'))
      .send({ token: res.body.token })
      .expect(200);
    return { token: res.body.token as string, actor: resolved.body as Actor };
  };
  const resolves = async (token: string) =>
    (
      await request(url)
        .post('/sessions/resolve')
        .set('authorization', gatewayCredential('POST', '/sessions/resolve'))
        .send({ token })
    ).status;

  async function createTenant() {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const created = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin }));
    const adminActor: Actor = {
      userId: created.adminId,
      tenantId: created.tenantId,
      roles: ['org_admin'],
      region: 'eea',
      sessionId: randomUUID(),
    };
    return { slug, ...created, adminActor };
  }
  /** An active client with a password (activation through an invitation is another feature's). */
  async function createClient(tenantId: string) {
    const email = `${uniqueName('client')}@example.org`;
    const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
    const id = await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId,
        email,
        displayName: 'Client',
        role: 'client',
        status: 'active',
        passwordHash,
      }),
    );
    return { id, email };
  }

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity', { consume: false });
    ({ app, db, url, prefix } = identity);
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
    probe = await collectTopics(
      [
        identitySessionRevokedV1,
        identityUserDeactivatedV1,
        identityUserReactivatedV1,
        auditEntryRecordedV1,
      ].map((c) => `${prefix}${c.topic}`),
    );
  });
  afterAll(async () => {
    await probe?.stop();
    await identity?.stop();
  });

  it('ends a session after 15 minutes without activity, and keeps an active one alive', async () => {
    const tenant = await createTenant();
    const client = await createClient(tenant.tenantId);
    const { token } = await session(tenant.slug, client.email);
    advance(14 * MINUTE);
    expect(await resolves(token)).toBe(200);
    advance(14 * MINUTE); // 28 minutes after login, 14 after the last request
    expect(await resolves(token)).toBe(200);
    advance(15 * MINUTE);
    expect(await resolves(token)).toBe(401);
    advance(-15 * MINUTE + 1); // even "back in time", a timed-out session stays ended
    expect(await resolves(token)).toBe(401);
  });

  it('ends a session 12 hours after login, however active it is', async () => {
    const tenant = await createTenant();
    const client = await createClient(tenant.tenantId);
    const { token } = await session(tenant.slug, client.email);
    for (let elapsed = 0; elapsed < 12 * 60 - 10; elapsed += 10) {
      advance(10 * MINUTE);
      expect(await resolves(token)).toBe(200);
    }
    advance(10 * MINUTE); // 12 h 0 min
    expect(await resolves(token)).toBe(401);
  });

  it('deactivates an account: sessions revoked, login refused with a clear message only after the right password, data kept; reactivation restores login', async () => {
    const tenant = await createTenant();
    const client = await createClient(tenant.tenantId);
    const [a, b] = [await session(tenant.slug, client.email), await session(tenant.slug, client.email)];
    const admin = bearer(tenant.adminActor);

    const res = await request(url)
      .post(`/users/${client.id}/deactivate`)
      .set('authorization', admin)
      .expect(200);
    expect(res.body).toEqual({ id: client.id, status: 'deactivated' });
    expect(await resolves(a.token)).toBe(401);
    expect(await resolves(b.token)).toBe(401);

    const wrong = await login(tenant.slug, client.email, 'Wrong-Horse-Battery-9!').expect(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const refused = await login(tenant.slug, client.email).expect(403);
    expect(refused.body).toMatchObject({
      code: 'ACCOUNT_DEACTIVATED',
      detail: 'This account has been deactivated. Contact your organisation.',
    });
    expect(refused.body.token).toBeUndefined();

    // Repeating it changes nothing and publishes nothing.
    await request(url).post(`/users/${client.id}/deactivate`).set('authorization', admin).expect(200);
    const rows = await db.query<{ status: string; email: string }>(
      `SELECT status, email FROM identity.user_account WHERE id = $1`,
      [client.id],
    );
    expect(rows).toEqual([{ status: 'deactivated', email: client.email }]);

    await expectEventually(() => {
      const revoked = events(identitySessionRevokedV1.topic).filter((e) => e.subjectId === client.id);
      expect(
        revoked.map((e) => e.payload).sort((x, y) => String(x.sessionId).localeCompare(String(y.sessionId))),
      ).toEqual(
        [a, b]
          .map((s) => ({ sessionId: s.actor.sessionId, userId: client.id, reason: 'deactivated' }))
          .sort((x, y) => x.sessionId.localeCompare(y.sessionId)),
      );
      expect(events(identityUserDeactivatedV1.topic).filter((e) => e.subjectId === client.id)).toEqual([
        expect.objectContaining({
          tenantId: tenant.tenantId,
          payload: { userId: client.id, byUserId: tenant.adminId },
        }),
      ]);
      const audit = events(auditEntryRecordedV1.topic).filter(
        (e) => e.subjectId === client.id && e.payload.action === 'user.deactivate',
      );
      expect(audit).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            actorId: tenant.adminId,
            actorRole: 'org_admin',
            resourceId: client.id,
          }),
        }),
      ]);
    });

    const back = await request(url)
      .post(`/users/${client.id}/reactivate`)
      .set('authorization', admin)
      .expect(200);
    expect(back.body).toEqual({ id: client.id, status: 'active' });
    await login(tenant.slug, client.email).expect(200);
    await expectEventually(() =>
      expect(events(identityUserReactivatedV1.topic).filter((e) => e.subjectId === client.id)).toHaveLength(
        1,
      ),
    );
  });

  it('lets only an org admin of the same organisation deactivate, and never themself', async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const client = await createClient(tenant.tenantId);
    const clientSession = await session(tenant.slug, client.email);
    const self = await request(url)
      .post(`/users/${tenant.adminId}/deactivate`)
      .set('authorization', bearer(tenant.adminActor))
      .expect(400);
    expect(self.body.code).toBe('CANNOT_DEACTIVATE_SELF');
    await request(url)
      .post(`/users/${client.id}/deactivate`)
      .set('authorization', bearer(other.adminActor))
      .expect(404);
    await request(url)
      .post(`/users/${tenant.adminId}/deactivate`)
      .set('authorization', bearer(clientSession.actor))
      .expect(403);
    await request(url)
      .post(`/users/not-a-uuid/deactivate`)
      .set('authorization', bearer(tenant.adminActor))
      .expect(400);
    await request(url).post(`/users/${client.id}/deactivate`).expect(401);
    expect(await resolves(clientSession.token)).toBe(200);
  });

  it('logs out everywhere: every session of the user ends, with one revocation event each', async () => {
    const tenant = await createTenant();
    const client = await createClient(tenant.tenantId);
    const [a, b, c] = [
      await session(tenant.slug, client.email),
      await session(tenant.slug, client.email),
      await session(tenant.slug, client.email),
    ];
    const bystander = await createClient(tenant.tenantId);
    const theirs = await session(tenant.slug, bystander.email);
    await request(url).post('/auth/logout-everywhere').set('authorization', bearer(b.actor)).expect(204);
    for (const s of [a, b, c]) expect(await resolves(s.token)).toBe(401);
    expect(await resolves(theirs.token)).toBe(200);
    await expectEventually(() => {
      const revoked = events(identitySessionRevokedV1.topic).filter((e) => e.subjectId === client.id);
      expect(revoked).toHaveLength(3);
      expect(revoked.every((e) => e.payload.reason === 'logout_everywhere')).toBe(true);
    });
  });

  it('changes the password: checks the current one and the policy, ends the other sessions and rotates this one', async () => {
    const tenant = await createTenant();
    const client = await createClient(tenant.tenantId);
    const [current, other] = [
      await session(tenant.slug, client.email),
      await session(tenant.slug, client.email),
    ];
    const change = (body: object) =>
      request(url).post('/auth/password').set('authorization', bearer(current.actor)).send(body);

    const wrong = await change({
      currentPassword: 'Wrong-Horse-Battery-9!',
      newPassword: 'A-New-Long-Passphrase-5#',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: 'is not correct' }]);
    const weak = await change({ currentPassword: PASSWORD, newPassword: 'short' }).expect(400);
    expect(weak.body.errors.every((e: { path: string }) => e.path === 'newPassword')).toBe(true);
    await change({ currentPassword: PASSWORD, newPassword: 'x', extra: 1 }).expect(400);
    expect(await resolves(other.token)).toBe(200);

    const res = await change({ currentPassword: PASSWORD, newPassword: 'A-New-Long-Passphrase-5#' }).expect(
      200,
    );
    expect(res.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
    expect(await resolves(current.token)).toBe(401);
    expect(await resolves(other.token)).toBe(401);
    expect(await resolves(res.body.token)).toBe(200);
    await login(tenant.slug, client.email).expect(401);
    await login(tenant.slug, client.email, 'A-New-Long-Passphrase-5#').expect(200);
    await expectEventually(() => {
      const revoked = events(identitySessionRevokedV1.topic).filter((e) => e.subjectId === client.id);
      expect(revoked.map((e) => e.payload.sessionId).sort()).toEqual(
        [current.actor.sessionId, other.actor.sessionId].sort(),
      );
      expect(revoked.every((e) => e.payload.reason === 'password_changed')).toBe(true);
    });
  });

  it('throttles guesses at the current password like login guesses, for that address only', async () => {
    const tenant = await createTenant();
    const client = await createClient(tenant.tenantId);
    const current = await session(tenant.slug, client.email);
    const change = (currentPassword: string, from: string) =>
      request(url)
        .post('/auth/password')
        .set('authorization', bearer(current.actor))
        .set('x-client-address', from)
        .send({ currentPassword, newPassword: 'A-New-Long-Passphrase-5#' });
    for (let i = 0; i < 5; i++) {
      expect((await change(`Wrong-Guess-${i}-Horse!`, '203.0.113.66')).status).toBe(400);
    }
    const throttled = await change(PASSWORD, '203.0.113.66');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The account is not locked for its owner elsewhere: login from another address still works.
    await login(tenant.slug, client.email).expect(200);
    expect((await change(PASSWORD, '198.51.100.7')).status).toBe(200);
  });
});
