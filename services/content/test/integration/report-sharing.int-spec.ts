import { createHash, randomUUID } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import { expectEventually } from '@therapy-room/testing';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

describe('sharing a report through a revocable, expiring link (real PostgreSQL and Kafka)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  let pro: Person, client: Person, otherClient: Person;
  let diaryToolId: string, phqToolId: string;

  beforeAll(async () => {
    fx = await startContent([auditEntryRecordedV1.topic]);
    [pro, client, otherClient] = fx.people(tenant, ['professional', 'client', 'client']);
    await fx.grant(pro, client);
    await fx.grant(pro, otherClient);
    diaryToolId = fx.tool('blood-glucose-diary').toolId;
    phqToolId = fx.tool('phq-9').toolId;
    for (const c of [client, otherClient]) {
      const diary = (
        await fx.as(pro).post('/content/assignments', { clientId: c.id, toolId: diaryToolId }).expect(201)
      ).body;
      await fx
        .as(c)
        .post(`/content/assignments/${diary.id}/diary-entries`, {
          values: {
            glucose: c === client ? 6.4 : 9.9,
            moment: 'fasting',
            time: '07:00',
            note: 'not for sharing',
          },
          recordedAt: '2026-11-01T07:00:00Z',
        })
        .expect(201);
      const q = (
        await fx.as(pro).post('/content/assignments', { clientId: c.id, toolId: phqToolId }).expect(201)
      ).body;
      await fx
        .as(c)
        .post(`/content/assignments/${q.id}/responses`, {
          answers: {
            'phq9-1': 2,
            'phq9-2': 2,
            'phq9-3': 1,
            'phq9-4': 1,
            'phq9-5': 0,
            'phq9-6': 0,
            'phq9-7': 0,
            'phq9-8': 0,
            'phq9-9': 0,
          },
        })
        .expect(201);
    }
  });
  afterAll(() => fx?.stop());

  const open = (token: string) => fx.anonymous().post('/shared-reports/open', { token });

  it('an active link shows only that report, only the tools chosen, no free text; the token is stored only as a hash', async () => {
    const share = await fx
      .as(client)
      .post(`/content/clients/${client.id}/report-shares`, { days: 7, toolIds: [diaryToolId] })
      .expect(201);
    expect(share.body).toMatchObject({
      status: 'active',
      toolIds: [diaryToolId],
      token: expect.stringMatching(/^[\w-]{43}$/),
    });
    const stored = await fx.db.query<{ token_hash: Buffer }>(
      `SELECT token_hash FROM content.report_share WHERE id = $1`,
      [share.body.id],
    );
    expect(stored[0].token_hash.equals(createHash('sha256').update(share.body.token).digest())).toBe(true);
    const dump = await fx.db.query<{ t: string }>(
      `SELECT row_to_json(s)::text AS t FROM content.report_share s`,
    );
    expect(dump.some((r) => r.t.includes(share.body.token))).toBe(false);

    const res = await open(share.body.token).expect(200);
    expect(res.body.clientId).toBeUndefined();
    expect(res.body.series.map((s: { toolId: string }) => s.toolId)).toEqual(
      expect.arrayContaining([diaryToolId]),
    );
    expect(res.body.series.every((s: { toolId: string }) => s.toolId === diaryToolId)).toBe(true);
    const glucose = res.body.series.find((s: { measure: string }) => s.measure === 'glucose');
    expect(glucose.points).toEqual([{ at: '2026-11-01T07:00:00.000Z', value: 6.4 }]); // not the other client's 9.9
    expect(JSON.stringify(res.body)).not.toContain('not for sharing');
    await expectEventually(async () => {
      const opened = fx
        .events(auditEntryRecordedV1.topic)
        .find((e) => e.payload.action === 'content.share_open' && e.payload.resourceId === share.body.id);
      expect(opened).toMatchObject({
        subjectId: client.id,
        payload: { actorId: null, sourceAddress: '198.51.100.7' },
      });
    });
  });

  it('the recipient sees no more than the client: no scores the organisation keeps from its clients', async () => {
    const share = await fx
      .as(client)
      .post(`/content/clients/${client.id}/report-shares`, { days: 7 })
      .expect(201);
    const toolsIn = async () =>
      new Set(
        ((await open(share.body.token).expect(200)).body.series as { toolId: string }[]).map((s) => s.toolId),
      );
    // PHQ-9 keeps its scores from clients (the tool's choice): nor does the link show them.
    expect(await toolsIn()).toEqual(new Set([diaryToolId]));
    const body = (await open(share.body.token).expect(200)).body;
    expect(JSON.stringify(body)).not.toMatch(/"band"|mild|moderate/);
    // Once the organisation shows PHQ-9 scores to its clients, the link shows them as well.
    const [admin] = fx.people(tenant, ['org_admin']);
    await fx
      .as(admin)
      .put(`/content/library/${phqToolId}/client-feedback`, { clientFeedback: 'score_and_band' })
      .expect(200);
    expect(await toolsIn()).toEqual(new Set([diaryToolId, phqToolId]));
    const own = await fx.as(client).get(`/content/clients/${client.id}/report`).expect(200);
    expect(new Set(own.body.series.map((s: { toolId: string }) => s.toolId))).toEqual(await toolsIn());
    await fx
      .as(admin)
      .put(`/content/library/${phqToolId}/client-feedback`, { clientFeedback: 'none' })
      .expect(200);
    expect(await toolsIn()).toEqual(new Set([diaryToolId]));
  });

  it('a revoked link no longer opens (404, nothing said why)', async () => {
    const share = await fx
      .as(client)
      .post(`/content/clients/${client.id}/report-shares`, { days: 7 })
      .expect(201);
    await open(share.body.token).expect(200);
    await fx.as(client).delete(`/content/clients/${client.id}/report-shares/${share.body.id}`).expect(204);
    const res = await open(share.body.token).expect(404);
    expect(res.body.detail).toBe('Not found.');
    const list = await fx.as(client).get(`/content/clients/${client.id}/report-shares`).expect(200);
    expect(list.body.items.find((s: { id: string }) => s.id === share.body.id)).toMatchObject({
      status: 'revoked',
    });
    expect(JSON.stringify(list.body)).not.toContain(share.body.token);
  });

  it('an expired link no longer opens', async () => {
    const share = await fx
      .as(client)
      .post(`/content/clients/${client.id}/report-shares`, { days: 1 })
      .expect(201);
    await open(share.body.token).expect(200);
    await fx.db.query(
      `UPDATE content.report_share SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`,
      [share.body.id],
    );
    await open(share.body.token).expect(404);
    const list = await fx.as(client).get(`/content/clients/${client.id}/report-shares`).expect(200);
    expect(list.body.items.find((s: { id: string }) => s.id === share.body.id)).toMatchObject({
      status: 'expired',
    });
  });

  it('only the client shares their report; bad input is 400', async () => {
    await fx.as(pro).post(`/content/clients/${client.id}/report-shares`, { days: 7 }).expect(403);
    await fx.as(otherClient).post(`/content/clients/${client.id}/report-shares`, { days: 7 }).expect(404);
    const tooLong = await fx
      .as(client)
      .post(`/content/clients/${client.id}/report-shares`, { days: 400 })
      .expect(400);
    expect(tooLong.body.errors).toEqual([{ path: 'days', message: 'must be at most 90' }]);
    const notMine = await fx
      .as(client)
      .post(`/content/clients/${client.id}/report-shares`, {
        days: 7,
        toolIds: [fx.tool('cbt-low-mood').toolId],
      })
      .expect(400);
    expect(notMine.body.errors).toEqual([
      { path: 'toolIds.0', message: 'is not one of your diaries or questionnaires' },
    ]);
    await open('short').expect(400);
    await open('A'.repeat(43)).expect(404);
    const other = await fx
      .as(otherClient)
      .post(`/content/clients/${otherClient.id}/report-shares`, { days: 7 })
      .expect(201);
    await fx.as(client).delete(`/content/clients/${client.id}/report-shares/${other.body.id}`).expect(404);
    await open(other.body.token).expect(200);
  });
});
