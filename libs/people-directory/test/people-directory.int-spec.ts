import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  identityUserDeactivatedV1,
  identityUserDeactivatedV2,
  identityUserProfileChangedV1,
  identityUserReactivatedV1,
  identityUserRegisteredV1,
} from '@therapy-room/contracts';
import { baseConfigShape, databaseConfigShape, PlatformModule } from '@therapy-room/platform';
import {
  PeopleDirectory,
  PeopleDirectory1763900000050,
  PeopleDirectoryModule,
} from '@therapy-room/people-directory';
import {
  expectEventually,
  publishEvent,
  startInProcessService,
  type InProcessService,
} from '@therapy-room/testing';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: { ...baseConfigShape, ...databaseConfigShape },
      database: { entities: [], migrations: [PeopleDirectory1763900000050] },
    }),
    PeopleDirectoryModule,
  ],
})
class DirectoryAppModule {}

/** identity's events about one account travel on four topics: any order must give the same directory. */
describe('people directory: a service’s copy of identity’s accounts (real PostgreSQL and Kafka)', () => {
  let svc: InProcessService;
  let people: PeopleDirectory;
  const tenantId = randomUUID();

  beforeAll(async () => {
    svc = await startInProcessService(DirectoryAppModule, 'directory-test', { listen: false });
    people = svc.app.get(PeopleDirectory);
  });
  afterAll(() => svc?.stop());

  it('takes a profile that arrives before the registration', async () => {
    const id = randomUUID();
    await publishEvent(
      svc.prefix,
      identityUserProfileChangedV1,
      { userId: id, displayName: 'Early Name' },
      { tenantId, subjectId: id },
    );
    await expectEventually(async () =>
      expect((await people.find(tenantId, id))?.displayName).toBe('Early Name'),
    );
    await publishEvent(
      svc.prefix,
      identityUserRegisteredV1,
      { userId: id, role: 'professional', training: true },
      { tenantId, subjectId: id },
    );
    await expectEventually(async () =>
      expect(await people.find(tenantId, id)).toMatchObject({
        role: 'professional',
        displayName: 'Early Name',
        training: true,
      }),
    );
    expect(await people.find(randomUUID(), id)).toBeNull();
  });

  it('keeps the newest status when an older change arrives late', async () => {
    const id = randomUUID();
    const by = randomUUID();
    await publishEvent(
      svc.prefix,
      identityUserRegisteredV1,
      { userId: id, role: 'client' },
      { tenantId, subjectId: id },
    );
    await publishEvent(
      svc.prefix,
      identityUserDeactivatedV1,
      { userId: id, byUserId: by },
      {
        tenantId,
        subjectId: id,
        occurredAt: '2026-11-02T10:00:00.000Z',
      },
    );
    await expectEventually(async () => expect((await people.find(tenantId, id))?.status).toBe('deactivated'));
    const late = await publishEvent(
      svc.prefix,
      identityUserReactivatedV1,
      { userId: id, byUserId: by },
      {
        tenantId,
        subjectId: id,
        occurredAt: '2026-11-01T10:00:00.000Z',
      },
    );
    await expectEventually(async () =>
      expect(
        await svc.db.query(`SELECT 1 FROM directory_test.inbox WHERE event_id = $1`, [late.id]),
      ).toHaveLength(1),
    );
    expect((await people.find(tenantId, id))?.status).toBe('deactivated');
  });

  it('takes every reason of identity.user.deactivated.v2 as a deactivation, the idle sweep’s (no admin) too', async () => {
    for (const reason of ['organisation_admin', 'erasure_scheduled', 'idle'] as const) {
      const id = randomUUID();
      await publishEvent(
        svc.prefix,
        identityUserRegisteredV1,
        { userId: id, role: 'client' },
        { tenantId, subjectId: id },
      );
      await publishEvent(
        svc.prefix,
        identityUserDeactivatedV2,
        { userId: id, byUserId: reason === 'organisation_admin' ? randomUUID() : null, reason },
        { tenantId, subjectId: id },
      );
      await expectEventually(async () =>
        expect((await people.find(tenantId, id))?.status).toBe('deactivated'),
      );
    }
  });

  it('never brings back an erased person, whatever arrives later', async () => {
    const id = randomUUID();
    await publishEvent(
      svc.prefix,
      identityUserRegisteredV1,
      { userId: id, role: 'client' },
      { tenantId, subjectId: id },
    );
    await expectEventually(async () => expect(await people.find(tenantId, id)).not.toBeNull());
    const dataSource = svc.app.get(DataSource);
    expect(await dataSource.transaction((m) => people.erase(m, id))).toBe(true);
    const late = await publishEvent(
      svc.prefix,
      identityUserProfileChangedV1,
      { userId: id, displayName: 'Ghost' },
      {
        tenantId,
        subjectId: id,
      },
    );
    await expectEventually(async () =>
      expect(
        await svc.db.query(`SELECT 1 FROM directory_test.inbox WHERE event_id = $1`, [late.id]),
      ).toHaveLength(1),
    );
    expect(await people.find(tenantId, id)).toBeNull();
    expect(await dataSource.transaction((m) => people.erase(m, id))).toBe(false);
  });
});
