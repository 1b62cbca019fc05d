import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import {
  auditEntryRecordedV1,
  contentExportCompletedV1,
  messagingExportCompletedV1,
  retentionExportRequestedV1,
} from '@therapy-room/contracts';
import { signInternalToken } from '@therapy-room/auth';
import { writeSubjectExport } from '@therapy-room/data-protection';
import {
  TEST_CLIENT_ADDRESS,
  expectEventually,
  publishEvent,
  testSigningKey,
  type TestPerson,
} from '@therapy-room/testing';
import { startRetention, type RetentionFixture } from '../support/retention-fixture';

const HOUR = 60 * 60 * 1000;

/** Exports: fresh sign-in for a client's own, four eyes otherwise, one sealed package fetched once, expiry. */
describe('retention: export packages', () => {
  let fx: RetentionFixture;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'retention-exports-'));
    fx = await startRetention({ EXPORT_ROOT: root });
  });
  afterAll(async () => {
    await fx?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** As the gateway calls: the session signed in `minutesAgo` minutes before the (fixed) clock. */
  const signedIn = (p: TestPerson, minutesAgo: number) => {
    const authenticatedAt = new Date(fx.clock.now().getTime() - minutesAgo * 60_000).toISOString();
    const token = signInternalToken({ ...fx.actor(p), authenticatedAt }, testSigningKey, 'retention');
    return (r: request.Test) =>
      r.set('authorization', `Bearer ${token}`).set('x-client-address', TEST_CLIENT_ADDRESS);
  };
  const audited = (action: string, resourceId: string) =>
    fx
      .events(auditEntryRecordedV1.topic)
      .filter((e) => e.payload.action === action && e.payload.resourceId === resourceId);

  /** Content and messaging write their documents where the request says and confirm, as they do. */
  async function participantsAnswer(
    requestId: string,
    tenantId: string,
    subjectId: string,
    body = 'hello Petra',
  ) {
    const requested = await expectEventually(() => {
      const found = fx.eventsOf(retentionExportRequestedV1.topic, requestId);
      expect(found).toHaveLength(1);
      return found[0];
    });
    const location = requested.payload.location as string;
    const content = await writeSubjectExport(root, location, 'content', {
      service: 'content',
      subjectId,
      tools: [
        {
          assignmentId: 'a1',
          toolKey: 'glucose-diary',
          title: 'Glucose diary',
          diaryEntries: [{ recordedAt: '2029-12-01T08:00:00.000Z', values: { glucose: 6.1 } }],
          responses: [],
        },
      ],
    });
    const messaging = await writeSubjectExport(root, location, 'messaging', {
      service: 'messaging',
      subjectId,
      conversations: [
        {
          id: 'c1',
          professional: { id: 'p1', displayName: 'Petra Professional' },
          messages: [{ id: 'm1', from: 'client', sentAt: '2029-12-02T08:00:00.000Z', body }],
        },
      ],
    });
    await publishEvent(
      fx.prefix,
      contentExportCompletedV1,
      { requestId, ...content },
      { tenantId, subjectId },
    );
    await publishEvent(
      fx.prefix,
      messagingExportCompletedV1,
      { requestId, ...messaging },
      { tenantId, subjectId },
    );
    return { location, content };
  }

  const stateOf = async (admin: TestPerson, id: string) =>
    (await fx.as(admin).get(`/retention/requests/${id}`).expect(200)).body.state as string;

  it("a client's own export needs a sign-in within 5 minutes, then runs without approval", async () => {
    const org = await fx.organisation();
    const api = request(fx.service.url);
    const stale = await signedIn(org.client, 6)(api.post('/retention/requests'))
      .send({ kind: 'export' })
      .expect(403);
    expect(stale.body.code).toBe('REAUTHENTICATION_REQUIRED');
    await fx.as(org.client).post('/retention/requests', { kind: 'export' }).expect(403); // no sign-in time at all
    const fresh = await signedIn(org.client, 4)(api.post('/retention/requests'))
      .send({ kind: 'export' })
      .expect(201);
    expect(fresh.body).toMatchObject({ state: 'running', approvedBy: org.client.id });
  });

  it('the package is sealed, fetched once by the requester, then gone; the plaintext documents are deleted', async () => {
    const org = await fx.organisation();
    const api = request(fx.service.url);
    const asked = await signedIn(org.client, 1)(api.post('/retention/requests'))
      .send({ kind: 'export' })
      .expect(201);
    const { location } = await participantsAnswer(
      asked.body.id,
      org.tenantId,
      org.client.id,
      'my secret note',
    );
    await expectEventually(async () => expect(await stateOf(org.admin, asked.body.id)).toBe('completed'));
    // The participants' plaintext is gone; what is stored is ciphertext only.
    await expectEventually(async () =>
      expect(await readdir(fileURLToPath(location)).catch(() => 'gone')).toBe('gone'),
    );
    const sealed = await readFile(join(root, '.packages', `${asked.body.id}.sealed`));
    expect(sealed.toString('latin1')).not.toContain('my secret note');
    expect(sealed.toString('latin1')).not.toContain(org.client.id);

    await fx.as(org.admin).post(`/retention/requests/${asked.body.id}/download-link`, {}).expect(404);
    await fx.as(org.pro).post(`/retention/requests/${asked.body.id}/download-link`, {}).expect(404);
    const link = await fx
      .as(org.client)
      .post(`/retention/requests/${asked.body.id}/download-link`, {})
      .expect(200);
    expect(link.body.expiresAt).toBe(new Date(fx.clock.now().getTime() + 24 * HOUR).toISOString());
    await fx.as(org.other).post('/retention/downloads', { token: link.body.token }).expect(404);
    await fx.as(org.client).post('/retention/downloads', { token: 'not-a-token' }).expect(400);

    const pkg = await fx.as(org.client).post('/retention/downloads', { token: link.body.token }).expect(200);
    expect(pkg.body).toMatchObject({ format: 'therapy-room-export/1', requestId: asked.body.id });
    expect(Object.keys(pkg.body.documents).sort()).toEqual(['content', 'messaging']);
    expect(pkg.body.fhir.resourceType).toBe('Bundle');
    expect(
      pkg.body.fhir.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType),
    ).toEqual(['Patient', 'Task', 'Observation', 'Communication']);
    expect(JSON.stringify(pkg.body)).toContain('my secret note');

    await fx.as(org.client).post('/retention/downloads', { token: link.body.token }).expect(404);
    await fx.as(org.client).post(`/retention/requests/${asked.body.id}/download-link`, {}).expect(409);
    await expect(readFile(join(root, '.packages', `${asked.body.id}.sealed`))).rejects.toThrow();
    await expectEventually(() => {
      expect(audited('retention.export_create', asked.body.id)).toHaveLength(1);
      expect(audited('retention.export_download', asked.body.id)).toHaveLength(1);
    });
  });

  it("an export for the client by a professional needs an org admin's approval; unfetched, it expires", async () => {
    const org = await fx.organisation();
    const asked = await fx
      .as(org.pro)
      .post('/retention/requests', { kind: 'export', clientId: org.client.id })
      .expect(201);
    expect(asked.body.state).toBe('requested');
    await fx.as(org.pro).post(`/retention/requests/${asked.body.id}/approve`, {}).expect(403);
    const approved = await fx
      .as(org.admin)
      .post(`/retention/requests/${asked.body.id}/approve`, {})
      .expect(200);
    expect(approved.body.state).toBe('running');
    await participantsAnswer(asked.body.id, org.tenantId, org.client.id);
    await expectEventually(async () => expect(await stateOf(org.admin, asked.body.id)).toBe('completed'));
    const link = await fx
      .as(org.pro)
      .post(`/retention/requests/${asked.body.id}/download-link`, {})
      .expect(200);

    fx.clock.advance(24 * HOUR + 1000);
    await fx.as(org.pro).post('/retention/downloads', { token: link.body.token }).expect(404);
    await fx.tick();
    await expect(readFile(join(root, '.packages', `${asked.body.id}.sealed`))).rejects.toThrow();
    await fx.as(org.pro).post(`/retention/requests/${asked.body.id}/download-link`, {}).expect(409);
    await expectEventually(() => expect(audited('retention.export_expire', asked.body.id)).toHaveLength(1));
  });

  it('a document that is not what its participant confirmed fails the export (nothing is packed)', async () => {
    const org = await fx.organisation();
    const asked = await fx
      .as(org.admin)
      .post('/retention/requests', { kind: 'export', clientId: org.client.id })
      .expect(201);
    await fx.as(org.admin2).post(`/retention/requests/${asked.body.id}/approve`, {}).expect(200);
    const requested = await expectEventually(() => {
      const found = fx.eventsOf(retentionExportRequestedV1.topic, asked.body.id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    const location = requested.payload.location as string;
    const written = await writeSubjectExport(root, location, 'content', { service: 'content', tools: [] });
    await writeFile(fileURLToPath(written.file), '{"tampered":true}');
    const messaging = await writeSubjectExport(root, location, 'messaging', { service: 'messaging' });
    const envelope = { tenantId: org.tenantId, subjectId: org.client.id };
    await publishEvent(
      fx.prefix,
      contentExportCompletedV1,
      { requestId: asked.body.id, ...written },
      envelope,
    );
    await publishEvent(
      fx.prefix,
      messagingExportCompletedV1,
      { requestId: asked.body.id, ...messaging },
      envelope,
    );
    await expectEventually(async () => expect(await stateOf(org.admin, asked.body.id)).toBe('failed'));
    await fx.as(org.admin).post(`/retention/requests/${asked.body.id}/download-link`, {}).expect(404);
  });
});
