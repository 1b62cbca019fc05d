import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import {
  contentExportCompletedV1,
  messagingExportCompletedV1,
  retentionExportRequestedV1,
} from '@therapy-room/contracts';
import { signInternalToken } from '@therapy-room/auth';
import { S3ExportStorage, writeSubjectExport } from '@therapy-room/data-protection';
import {
  TEST_CLIENT_ADDRESS,
  expectEventually,
  publishEvent,
  startLocalS3,
  testSigningKey,
  type LocalS3Handle,
} from '@therapy-room/testing';
import { startRetention, type RetentionFixture } from '../support/retention-fixture';

const BUCKET = 'therapy-room-exports-test';

/**
 * Exports with the cluster's store: an S3-compatible bucket, here a real S3 server (S3Proxy) run on
 * this machine. The participants write their documents into the bucket, retention reads them from
 * there, seals the package into the bucket and deletes the plaintext; the download empties it.
 */
describe('retention: export packages in an S3-compatible bucket', () => {
  let s3: LocalS3Handle;
  let client: S3Client;
  let participants: S3ExportStorage;
  let fx: RetentionFixture;
  beforeAll(async () => {
    s3 = await startLocalS3();
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // What content and messaging are configured with in the cluster: the same bucket and prefix.
    participants = new S3ExportStorage({
      bucket: BUCKET,
      region: s3.region,
      prefix: 'exports/',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials,
    });
    fx = await startRetention({
      EXPORT_S3_BUCKET: BUCKET,
      EXPORT_S3_REGION: s3.region,
      EXPORT_S3_ENDPOINT: s3.endpoint,
      EXPORT_S3_FORCE_PATH_STYLE: 'true',
      EXPORT_S3_ACCESS_KEY_ID: s3.accessKeyId,
      EXPORT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  }, 180_000);
  afterAll(async () => {
    await fx?.stop();
    participants?.destroy();
    client?.destroy();
    await s3?.stop();
  });

  const keysUnder = async (prefix: string) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
      (o) => o.Key,
    );

  it('the participants write into the bucket; the sealed package is kept there, fetched once, then deleted', async () => {
    const org = await fx.organisation();
    const authenticatedAt = new Date(fx.clock.now().getTime() - 60_000).toISOString();
    const token = signInternalToken(
      { ...fx.actor(org.client), authenticatedAt },
      testSigningKey,
      'retention',
    );
    const asked = await request(fx.service.url)
      .post('/retention/requests')
      .set('authorization', `Bearer ${token}`)
      .set('x-client-address', TEST_CLIENT_ADDRESS)
      .send({ kind: 'export' })
      .expect(201);
    const id = asked.body.id as string;
    const requested = await expectEventually(() => {
      const found = fx.eventsOf(retentionExportRequestedV1.topic, id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    const location = requested.payload.location as string;
    expect(location).toBe(`s3://${BUCKET}/exports/${id}`);

    const envelope = { tenantId: org.tenantId, subjectId: org.client.id };
    const content = await writeSubjectExport(participants, location, 'content', {
      service: 'content',
      subjectId: org.client.id,
      tools: [],
    });
    const messaging = await writeSubjectExport(participants, location, 'messaging', {
      service: 'messaging',
      subjectId: org.client.id,
      conversations: [
        {
          id: 'c1',
          professional: { id: 'p1', displayName: 'Petra Professional' },
          messages: [
            { id: 'm1', from: 'client', sentAt: '2029-12-02T08:00:00.000Z', body: 'my bucket note' },
          ],
        },
      ],
    });
    expect(content.file).toBe(`s3://${BUCKET}/exports/${id}/content.json`);
    expect(await keysUnder(`exports/${id}/`)).toEqual([
      `exports/${id}/content.json`,
      `exports/${id}/messaging.json`,
    ]);
    await publishEvent(fx.prefix, contentExportCompletedV1, { requestId: id, ...content }, envelope);
    await publishEvent(fx.prefix, messagingExportCompletedV1, { requestId: id, ...messaging }, envelope);

    await expectEventually(async () =>
      expect((await fx.as(org.client).get(`/retention/requests/${id}`).expect(200)).body.state).toBe(
        'completed',
      ),
    );
    // The plaintext documents are gone from the bucket; the package there is ciphertext only.
    await expectEventually(async () => expect(await keysUnder(`exports/${id}/`)).toEqual([]));
    const stored = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `exports/.packages/${id}.sealed` }),
    );
    const sealed = Buffer.from(await stored.Body!.transformToByteArray()).toString('latin1');
    expect(sealed.length).toBeGreaterThan(100);
    expect(sealed).not.toContain('my bucket note');
    expect(sealed).not.toContain(org.client.id);

    const link = await fx.as(org.client).post(`/retention/requests/${id}/download-link`, {}).expect(200);
    const pkg = await fx.as(org.client).post('/retention/downloads', { token: link.body.token }).expect(200);
    expect(Object.keys(pkg.body.documents).sort()).toEqual(['content', 'messaging']);
    expect(JSON.stringify(pkg.body.documents.messaging)).toContain('my bucket note');
    expect(await keysUnder(`exports/.packages/${id}`)).toEqual([]);
    await fx.as(org.client).post('/retention/downloads', { token: link.body.token }).expect(404);
  });

  it('a document named outside its request in the bucket fails the export (nothing is packed)', async () => {
    const org = await fx.organisation();
    const asked = await fx
      .as(org.admin)
      .post('/retention/requests', { kind: 'export', clientId: org.client.id })
      .expect(201);
    const id = asked.body.id as string;
    await fx.as(org.admin2).post(`/retention/requests/${id}/approve`, {}).expect(200);
    const requested = await expectEventually(() => {
      const found = fx.eventsOf(retentionExportRequestedV1.topic, id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    const envelope = { tenantId: org.tenantId, subjectId: org.client.id };
    const elsewhere = await writeSubjectExport(
      participants,
      `s3://${BUCKET}/exports/other-request`,
      'content',
      {
        service: 'content',
      },
    );
    const messaging = await writeSubjectExport(
      participants,
      requested.payload.location as string,
      'messaging',
      {
        service: 'messaging',
      },
    );
    await publishEvent(fx.prefix, contentExportCompletedV1, { requestId: id, ...elsewhere }, envelope);
    await publishEvent(fx.prefix, messagingExportCompletedV1, { requestId: id, ...messaging }, envelope);
    await expectEventually(async () =>
      expect((await fx.as(org.admin).get(`/retention/requests/${id}`).expect(200)).body.state).toBe('failed'),
    );
    expect(await keysUnder(`exports/.packages/${id}`)).toEqual([]);
    // A failed export leaves no plaintext document behind either.
    await expectEventually(async () => expect(await keysUnder(`exports/${id}/`)).toEqual([]));
  });
});
