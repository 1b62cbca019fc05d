import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  retentionErasureRequestedV1,
  type UserRole,
} from '@therapy-room/contracts';
import { signInternalToken } from '@therapy-room/auth';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { Clock } from '@therapy-room/platform';
import {
  expectEventually,
  freePort,
  publishEvent,
  serviceEnv,
  startInProcessService,
  startServiceProcess,
  testSigningKey,
  type InProcessService,
  type ServiceProcess,
} from '@therapy-room/testing';
import { ReaderAppModule } from './support/reader-app.module';

/**
 * The read model following the real caseload service (its own process, as in production): grants made
 * through caseload's API reach a second service, time-boxed links end there by themselves, and
 * removals and erasures are revoked there.
 */
describe('caseload access follows the real caseload service (real PostgreSQL and Kafka)', () => {
  let reader: InProcessService;
  let caseload: ServiceProcess;
  let access: CaseloadAccess;
  let assignmentId: string;
  const tenantId = randomUUID();
  const people = { admin: randomUUID(), pro: randomUUID(), colleague: randomUUID(), client: randomUUID() };
  const roles: Record<keyof typeof people, UserRole> = {
    admin: 'org_admin',
    pro: 'professional',
    colleague: 'professional',
    client: 'client',
  };

  const as = (who: keyof typeof people) => {
    const token = signInternalToken(
      { userId: people[who], tenantId, roles: [roles[who]], region: 'eea', sessionId: `s-${who}` },
      testSigningKey,
      'caseload',
    );
    const auth = (r: request.Test) =>
      r.set('authorization', `Bearer ${token}`).set('x-client-address', '127.0.0.1');
    return {
      post: (path: string, body: object) => auth(request(caseload.url).post(path)).send(body),
      delete: (path: string) => auth(request(caseload.url).delete(path)),
    };
  };

  beforeAll(async () => {
    reader = await startInProcessService(ReaderAppModule, 'content-test', { listen: false });
    access = reader.app.get(CaseloadAccess);
    caseload = await startServiceProcess(
      'caseload',
      serviceEnv('caseload', {
        ...(await reader.db.provision('caseload')),
        PORT: String(await freePort()),
        KAFKA_TOPIC_PREFIX: reader.prefix,
      }),
    );
    for (const [who, id] of Object.entries(people) as [keyof typeof people, string][]) {
      await publishEvent(
        reader.prefix,
        identityUserRegisteredV1,
        { userId: id, role: roles[who] },
        { tenantId, subjectId: id },
      );
      await publishEvent(
        reader.prefix,
        identityUserProfileChangedV1,
        { userId: id, displayName: who },
        { tenantId, subjectId: id },
      );
    }
    // Caseload knows the accounts once the admin can assign.
    await expectEventually(async () => {
      const res = await as('admin').post('/caseload/assignments', {
        clientId: people.client,
        professionalId: people.pro,
      });
      expect(res.status).toBe(201);
      assignmentId = res.body.id;
    });
  });
  afterAll(async () => {
    await caseload?.stop();
    await reader?.stop();
  });

  it('an assignment made in caseload grants access in the other service; removing it takes it away', async () => {
    await expectEventually(async () => expect(await access.canAccess(people.pro, people.client)).toBe(true));
    expect(await access.canAccess(people.colleague, people.client)).toBe(false);
    expect(await access.canAccess(people.pro, people.client, new Date(), randomUUID())).toBe(false);

    const extra = await as('admin')
      .post('/caseload/assignments', { clientId: people.client, professionalId: people.colleague })
      .expect(201);
    await expectEventually(async () =>
      expect(await access.professionalsOf(people.client)).toEqual([people.colleague, people.pro].sort()),
    );
    await as('admin').delete(`/caseload/assignments/${extra.body.id}`).expect(204);
    await expectEventually(async () =>
      expect(await access.canAccess(people.colleague, people.client)).toBe(false),
    );
  });

  it('a colleague link ends in the other service at its end time, with no further event', async () => {
    const until = new Date(Date.now() + 60_000);
    await as('pro')
      .post(`/caseload/clients/${people.client}/links`, {
        colleagueId: people.colleague,
        validUntil: until.toISOString(),
      })
      .expect(201);
    await expectEventually(async () =>
      expect(await access.canAccess(people.colleague, people.client)).toBe(true),
    );
    // The reader's clock passes the link's end: access ends there, with no event (nothing to wait for).
    const now = jest.spyOn(reader.app.get(Clock), 'now').mockImplementation(() => new Date(until.getTime()));
    try {
      expect(await access.canAccess(people.colleague, people.client)).toBe(false);
      expect(await access.professionalsOf(people.client)).toEqual([people.pro]);
      now.mockImplementation(() => new Date(until.getTime() - 1));
      expect(await access.canAccess(people.colleague, people.client)).toBe(true);
    } finally {
      now.mockRestore();
    }
  });

  it('a professional taken off the caseload loses, in the other service, the links they granted too', async () => {
    await as('pro')
      .post(`/caseload/clients/${people.client}/links`, { colleagueId: people.colleague })
      .expect(201);
    await expectEventually(async () =>
      expect(await access.canAccess(people.colleague, people.client)).toBe(true),
    );
    await as('admin').delete(`/caseload/assignments/${assignmentId}`).expect(204);
    await expectEventually(async () => expect(await access.professionalsOf(people.client)).toEqual([]));
    // Back in the caseload (by the admin) for the erasure below.
    await as('admin')
      .post('/caseload/assignments', { clientId: people.client, professionalId: people.pro })
      .expect(201);
    await expectEventually(async () => expect(await access.canAccess(people.pro, people.client)).toBe(true));
  });

  it('erasing the client revokes every grant in the other service', async () => {
    await as('pro')
      .post(`/caseload/clients/${people.client}/links`, {
        colleagueId: people.colleague,
        validUntil: new Date(Date.now() + 3_600_000).toISOString(),
      })
      .expect(201);
    await expectEventually(async () => expect(await access.professionalsOf(people.client)).toHaveLength(2));
    await publishEvent(
      reader.prefix,
      retentionErasureRequestedV1,
      { requestId: randomUUID(), reason: 'client_request' },
      { tenantId, subjectId: people.client },
    );
    await expectEventually(async () => expect(await access.professionalsOf(people.client)).toEqual([]));
    expect(await access.clientsOf(people.pro)).toEqual([]);
  });
});
