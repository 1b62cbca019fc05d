import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import {
  identityUserRegisteredV1,
  type EventEnvelope,
  type IdentityUserRegisteredV1,
} from '@therapy-room/contracts';
import { signInternalToken, type Actor } from '@therapy-room/auth';
import {
  collectTopics,
  expectEventually,
  startInProcessService,
  testSigningKey,
  uniqueName,
  type InProcessService,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';

const PASSWORD = 'Correct-Horse-Battery-9!';

describe('training accounts take no licence seat, so they are kept to training (identity, real PostgreSQL and Kafka)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let registered: Awaited<ReturnType<typeof collectTopics>>;

  const registeredEvent = (userId: string) =>
    registered.messages
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<IdentityUserRegisteredV1>)
      .find((e) => e.payload.userId === userId);
  const trainingFlag = async (userId: string) =>
    (await app.get(DataSource).query(`SELECT training FROM user_account WHERE id = $1`, [userId]))[0]
      .training as boolean;
  const actorFor = (userId: string, tenantId: string, role: 'org_admin' | 'professional'): Actor => ({
    userId,
    tenantId,
    roles: [role],
    region: 'eea',
    sessionId: randomUUID(),
  });
  const invite = (actor: Actor, body: Record<string, unknown>) =>
    request(identity.url)
      .post('/users')
      .set('authorization', `Bearer ${signInternalToken(actor, testSigningKey, 'identity')}`)
      .set('x-client-address', '192.0.2.50')
      .send({ displayName: 'Someone', ...body });

  async function organisation() {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const created = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin }));
    return { slug, ...created, admin: actorFor(created.adminId, created.tenantId, 'org_admin') };
  }
  /** An active professional (activation is another test's). */
  async function professional(tenantId: string, training: boolean) {
    const id = await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId,
        email: `${uniqueName('pro')}@example.org`,
        displayName: 'Pro',
        role: 'professional',
        status: 'active',
        passwordHash: null,
        training,
      }),
    );
    return actorFor(id, tenantId, 'professional');
  }

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity', {
      consume: false,
      env: { TRAINING_ACCOUNTS_MAX: '4' },
    });
    app = identity.app;
    registered = await collectTopics([`${identity.prefix}${identityUserRegisteredV1.topic}`]);
  });
  afterAll(async () => {
    await registered?.stop();
    await identity?.stop();
  });

  it('makes every client a training professional invites a training client, and says so in identity.user.registered.v1', async () => {
    const org = await organisation();
    const trainee = (
      await invite(org.admin, {
        email: `t@${org.slug}.example`,
        role: 'professional',
        training: true,
      }).expect(201)
    ).body.id as string;
    const traineeActor = actorFor(trainee, org.tenantId, 'professional');
    await app.get(DataSource).query(`UPDATE user_account SET status = 'active' WHERE id = $1`, [trainee]);

    const practice = (
      await invite(traineeActor, { email: `p@${org.slug}.example`, role: 'client' }).expect(201)
    ).body.id as string;
    expect(await trainingFlag(practice)).toBe(true);
    // Asking for a real client does not make one.
    const refused = await invite(traineeActor, {
      email: `r@${org.slug}.example`,
      role: 'client',
      training: false,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'FORBIDDEN',
      detail: 'A training account can invite training clients only.',
    });

    // A real professional's clients are real; a professional with a seat cannot make training accounts.
    const pro = await professional(org.tenantId, false);
    const real = (await invite(pro, { email: `c@${org.slug}.example`, role: 'client' }).expect(201)).body
      .id as string;
    expect(await trainingFlag(real)).toBe(false);
    await invite(pro, { email: `x@${org.slug}.example`, role: 'client', training: true }).expect(403);

    await expectEventually(() => {
      expect(registeredEvent(trainee)?.payload).toEqual({
        userId: trainee,
        role: 'professional',
        training: true,
      });
      expect(registeredEvent(practice)?.payload).toEqual({
        userId: practice,
        role: 'client',
        training: true,
      });
      expect(registeredEvent(real)?.payload).toEqual({ userId: real, role: 'client' });
    });
  });

  it('limits an organisation to TRAINING_ACCOUNTS_MAX training accounts (professionals and clients), counting reactivations', async () => {
    const org = await organisation();
    const trainee = await professional(org.tenantId, true);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await invite(trainee, { email: `p${i}@${org.slug}.example`, role: 'client' }).expect(201)).body.id,
      );
    }
    // 1 training professional + 3 training clients = 4: full, whoever asks.
    const full = await invite(trainee, { email: `p9@${org.slug}.example`, role: 'client' }).expect(409);
    expect(full.body).toMatchObject({ code: 'TRAINING_LIMIT_REACHED' });
    await invite(org.admin, { email: `t2@${org.slug}.example`, role: 'professional', training: true }).expect(
      409,
    );
    // Real accounts are not affected.
    await invite(org.admin, { email: `c@${org.slug}.example`, role: 'client' }).expect(201);

    // A deactivated training account frees its slot; reactivating it needs a free one again.
    const bearer = `Bearer ${signInternalToken(org.admin, testSigningKey, 'identity')}`;
    await request(identity.url).post(`/users/${ids[0]}/deactivate`).set('authorization', bearer).expect(200);
    await invite(trainee, { email: `p10@${org.slug}.example`, role: 'client' }).expect(201);
    const again = await request(identity.url)
      .post(`/users/${ids[0]}/reactivate`)
      .set('authorization', bearer);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'TRAINING_LIMIT_REACHED' });
  });
});
