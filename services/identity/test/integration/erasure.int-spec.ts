import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import {
  identityErasureCompletedV1,
  identitySessionRevokedV1,
  identityUserDeactivatedV2,
  identityUserReactivatedV1,
  retentionErasureCancelledV1,
  retentionErasureRequestedV1,
  retentionErasureScheduledV1,
  type EventEnvelope,
} from '@therapy-room/contracts';
import {
  gatewayCredential,
  startInProcessService,
  type InProcessService,
  collectTopics,
  expectEventually,
  publishRaw,
  uniqueName,
  type TestDatabase,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { PasswordHasher } from '../../src/common/password-hasher';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';

const PASSWORD = 'Correct-Horse-Battery-9!';
type Message = EventEnvelope<Record<string, unknown>>;

describe('erasure: identity deletes every row about the subject and confirms (real PostgreSQL and Kafka)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let url: string;
  let db: TestDatabase;
  let prefix: string;
  let probe: Awaited<ReturnType<typeof collectTopics>>;

  const events = (topic: string): Message[] =>
    probe.messages
      .filter((m) => m.topic === `${prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as Message);
  const confirmations = (requestId: string) =>
    events(identityErasureCompletedV1.topic).filter((e) => e.payload.requestId === requestId);
  const requestErasure = async (tenantId: string, subjectId: string, eventId = uuidv7()) => {
    const requestId = randomUUID();
    const message = {
      id: eventId,
      type: retentionErasureRequestedV1.topic,
      occurredAt: new Date().toISOString(),
      tenantId,
      region: 'eea',
      subjectId,
      traceparent: null,
      payload: { requestId, reason: 'client_request' },
    };
    await publishRaw(`${prefix}${retentionErasureRequestedV1.topic}`, [
      { key: subjectId, value: JSON.stringify(message) },
    ]);
    return { requestId, message };
  };
  const rowsAbout = async (userId: string, tenantId: string) => ({
    accounts: await db.query(`SELECT 1 FROM identity.user_account WHERE id = $1`, [userId]),
    sessions: await db.query(`SELECT 1 FROM identity.session WHERE user_id = $1`, [userId]),
    throttle: await db.query(`SELECT 1 FROM identity.login_throttle WHERE tenant_id = $1`, [tenantId]),
  });

  async function createTenantWithClient() {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const tenant = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin }));
    const email = `${uniqueName('client')}@example.org`;
    const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
    const clientId = await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId: tenant.tenantId,
        email,
        displayName: 'Client',
        role: 'client',
        status: 'active',
        passwordHash,
      }),
    );
    return { slug, ...tenant, clientId, email };
  }

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity');
    ({ app, db, url, prefix } = identity);
    probe = await collectTopics(
      [
        identityErasureCompletedV1,
        identitySessionRevokedV1,
        identityUserDeactivatedV2,
        identityUserReactivatedV1,
      ].map((c) => `${prefix}${c.topic}`),
    );
  });
  afterAll(async () => {
    await probe?.stop();
    await identity?.stop();
  });

  it('deletes the account, its credentials, sessions and failed-login counters in one go, revokes the sessions and confirms', async () => {
    const t = await createTenantWithClient();
    const login = (password: string) =>
      request(url)
        .post('/auth/login')
        .set('authorization', gatewayCredential('POST', '/auth/login'))
        .set('x-client-address', '203.0.113.9')
        .send({ organisation: t.slug, email: t.email, password });
    const { body: session } = await login(PASSWORD).expect(200);
    await login('Wrong-Horse-Battery-9!').expect(401);
    const before = await rowsAbout(t.clientId, t.tenantId);
    expect(before.accounts).toHaveLength(1);
    expect(before.sessions).toHaveLength(1);
    expect(before.throttle).toHaveLength(1);

    const { requestId } = await requestErasure(t.tenantId, t.clientId);
    const [confirmation] = await expectEventually(() => {
      const found = confirmations(requestId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(confirmation).toMatchObject({
      type: identityErasureCompletedV1.topic,
      tenantId: t.tenantId,
      subjectId: t.clientId,
      payload: { requestId },
    });
    expect(await rowsAbout(t.clientId, t.tenantId)).toEqual({ accounts: [], sessions: [], throttle: [] });
    await request(url)
      .post('/sessions/resolve')
      .set('authorization', gatewayCredential('POST', '/sessions/resolve'))
      .send({ token: session.token })
      .expect(401);
    await login(PASSWORD).expect(401);
    await expectEventually(() =>
      expect(
        events(identitySessionRevokedV1.topic)
          .filter((e) => e.subjectId === t.clientId)
          .map((e) => e.payload),
      ).toEqual([{ sessionId: session.sessionId, userId: t.clientId, reason: 'erased' }]),
    );
    // The organisation and its other accounts are untouched.
    expect(await db.query(`SELECT 1 FROM identity.user_account WHERE id = $1`, [t.adminId])).toHaveLength(1);
  });

  it("a sweep's scheduled erasure (no admin) deactivates the account and says so on identity.user.deactivated.v2; cancelling gives it back", async () => {
    const t = await createTenantWithClient();
    const requestId = randomUUID();
    const publish = (type: string, payload: Record<string, unknown>) =>
      publishRaw(`${prefix}${type}`, [
        {
          key: t.clientId,
          value: JSON.stringify({
            id: uuidv7(),
            type,
            occurredAt: new Date().toISOString(),
            tenantId: t.tenantId,
            region: 'eea',
            subjectId: t.clientId,
            traceparent: null,
            payload,
          }),
        },
      ]);
    await publish(retentionErasureScheduledV1.topic, {
      requestId,
      runsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      approvedBy: null,
    });
    await expectEventually(() =>
      expect(
        events(identityUserDeactivatedV2.topic)
          .filter((e) => e.subjectId === t.clientId)
          .map((e) => e.payload),
      ).toEqual([{ userId: t.clientId, byUserId: null, reason: 'erasure_scheduled' }]),
    );
    expect(await db.query(`SELECT status FROM identity.user_account WHERE id = $1`, [t.clientId])).toEqual([
      { status: 'deactivated' },
    ]);

    await publish(retentionErasureCancelledV1.topic, { requestId, cancelledBy: randomUUID() });
    await expectEventually(() =>
      expect(events(identityUserReactivatedV1.topic).filter((e) => e.subjectId === t.clientId)).toHaveLength(
        1,
      ),
    );
    expect(await db.query(`SELECT status FROM identity.user_account WHERE id = $1`, [t.clientId])).toEqual([
      { status: 'active' },
    ]);
  });

  it('has no second effect when the same request is delivered again, and confirms an unknown subject', async () => {
    const t = await createTenantWithClient();
    const first = await requestErasure(t.tenantId, t.clientId);
    await expectEventually(() => expect(confirmations(first.requestId)).toHaveLength(1));
    // The same event again (a redelivery), then an erasure of someone identity never knew.
    await publishRaw(`${prefix}${retentionErasureRequestedV1.topic}`, [
      { key: t.clientId, value: JSON.stringify(first.message) },
    ]);
    const unknown = await requestErasure(t.tenantId, randomUUID());
    await expectEventually(() => expect(confirmations(unknown.requestId)).toHaveLength(1));
    // Same partition (same key) as the redelivery, published before it: handled by now.
    const again = await requestErasure(t.tenantId, t.clientId);
    await expectEventually(() => expect(confirmations(again.requestId)).toHaveLength(1));
    expect(confirmations(first.requestId)).toHaveLength(1);
    const handled = await db.query(`SELECT 1 FROM identity.inbox WHERE event_id = $1`, [first.message.id]);
    expect(handled).toHaveLength(1);
  });

  it('reaches every table that refers to an account: each such foreign key cascades on delete', async () => {
    const refs = await db.query<{ table: string; constraint: string; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.conname AS constraint, c.confdeltype AS on_delete
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = 'identity.user_account'::regclass`,
    );
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => r.on_delete !== 'c')).toEqual([]);
  });
});
