import request from 'supertest';
import { identityUserRegisteredV1 } from '@therapy-room/contracts';
import {
  expectEventually,
  publishEvent,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

/**
 * The whole path with real processes: caseload grants access by event, content learns it, and a
 * professional, their client and a report's recipient use content through the gateway.
 */
describe('content e2e: caseload → events → content, through the gateway', () => {
  let stack: TestStack;
  let org: TestTenant;
  let adminCookie: string;

  const api = () => request(stack.gatewayUrl);

  beforeAll(async () => {
    stack = await startStack({}, { caseload: true, content: true });
    org = await stack.createTenant();
    adminCookie = (await stack.loginAs(org)).cookie;
    const seeded = await stack.seedContent();
    expect(seeded.code).toBe(0);
  });
  afterAll(() => stack?.stop());

  it('a professional offers a diary, the client keeps it, and shares a report that opens without an account', async () => {
    const pro = await stack.addActiveUser(org, 'professional');
    const client = await stack.addActiveUser(org, 'client');
    // Accounts written straight into identity's table: announce them to caseload as identity would.
    for (const [user, role] of [
      [pro, 'professional'],
      [client, 'client'],
    ] as const) {
      await publishEvent(
        stack.prefix,
        identityUserRegisteredV1,
        { userId: user.id, role },
        { tenantId: org.tenantId, subjectId: user.id },
      );
    }
    await expectEventually(async () => {
      const res = await api()
        .post('/api/caseload/assignments')
        .set('cookie', adminCookie)
        .send({ clientId: client.id, professionalId: pro.id });
      expect(res.status).toBe(201);
    });
    const proCookie = (await stack.loginAs(pro)).cookie;
    const clientCookie = (await stack.loginAs(client)).cookie;

    const library = await api().get('/api/content/library?kind=diary').set('cookie', proCookie).expect(200);
    const glucose = library.body.items.find((i: { key: string }) => i.key === 'blood-glucose-diary');
    // Content learns of the caseload grant by event: a moment later, the assignment works.
    const assignment = await expectEventually(async () => {
      const res = await api()
        .post('/api/content/assignments')
        .set('cookie', proCookie)
        .send({ clientId: client.id, toolId: glucose.id });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    });

    const bad = await api()
      .post(`/api/content/assignments/${assignment.id}/diary-entries`)
      .set('cookie', clientCookie)
      .send({ values: { glucose: -3, moment: 'fasting', time: '07:00' } })
      .expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors).toEqual([
      { path: 'values.glucose', message: 'must be between 1 and 33.3 mmol/L (got -3)' },
    ]);
    await api()
      .post(`/api/content/assignments/${assignment.id}/diary-entries`)
      .set('cookie', clientCookie)
      .send({
        values: { glucose: 5.8, moment: 'fasting', time: '07:00' },
        recordedAt: '2026-11-01T07:00:00Z',
      })
      .expect(201);

    const report = await api()
      .get(`/api/content/clients/${client.id}/report`)
      .set('cookie', proCookie)
      .expect(200);
    expect(report.body.series[0]).toMatchObject({ measure: 'glucose', points: [{ value: 5.8 }] });
    await api().get(`/api/content/clients/${client.id}/report`).set('cookie', adminCookie).expect(403);
    await api().get(`/api/content/clients/${client.id}/report`).expect(401);

    const share = await api()
      .post(`/api/content/clients/${client.id}/report-shares`)
      .set('cookie', clientCookie)
      .send({ days: 7 })
      .expect(201);
    const opened = await api().post('/api/shared-reports/open').send({ token: share.body.token }).expect(200);
    expect(opened.body.series[0].points).toEqual([{ at: '2026-11-01T07:00:00.000Z', value: 5.8 }]);
    await api()
      .delete(`/api/content/clients/${client.id}/report-shares/${share.body.id}`)
      .set('cookie', clientCookie)
      .expect(204);
    await api().post('/api/shared-reports/open').send({ token: share.body.token }).expect(404);
  });
});
