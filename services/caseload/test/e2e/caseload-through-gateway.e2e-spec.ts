import request from 'supertest';
import { startStack, expectEventually, type TestStack, type TestTenant } from '@therapy-room/testing';

/**
 * The whole path with real processes: identity announces new accounts by event, caseload learns them,
 * and an org admin manages caseloads through the gateway with their session cookie.
 */
describe('caseload e2e: identity → events → caseload, through the gateway', () => {
  let stack: TestStack;
  let org: TestTenant;
  let otherOrg: TestTenant;
  let cookie: string;
  let otherCookie: string;

  const api = () => request(stack.gatewayUrl);
  const invite = async (c: string, role: 'professional' | 'client', displayName: string) => {
    const email = `${displayName.toLowerCase().replace(/\W+/g, '.')}@example.org`;
    const res = await api()
      .post('/api/users')
      .set('cookie', c)
      .send({ email, displayName, role })
      .expect(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    stack = await startStack({}, { caseload: true });
    [org, otherOrg] = [await stack.createTenant(), await stack.createTenant()];
    cookie = (await stack.loginAs(org)).cookie;
    otherCookie = (await stack.loginAs(otherOrg)).cookie;
  });
  afterAll(() => stack?.stop());

  it('an invited professional and client appear in caseload; the admin assigns and lists through the gateway', async () => {
    const professionalId = await invite(cookie, 'professional', 'Petra Professional');
    const clientId = await invite(cookie, 'client', 'Karel Client');
    // Caseload learns of new accounts from identity's events: a moment later, the assignment works.
    const assignment = await expectEventually(async () => {
      const res = await api()
        .post('/api/caseload/assignments')
        .set('cookie', cookie)
        .send({ clientId, professionalId });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    });
    expect(assignment.id).toEqual(expect.any(String));

    const list = await api()
      .get(`/api/caseload/clients?professionalId=${professionalId}`)
      .set('cookie', cookie)
      .expect(200);
    expect(list.body).toMatchObject({
      total: 1,
      items: [{ id: clientId, displayName: 'Karel Client', status: 'active', relation: 'assignment' }],
    });
    const entry = await api().get(`/api/caseload/clients/${clientId}`).set('cookie', cookie).expect(200);
    expect(entry.body.professionals).toEqual([
      expect.objectContaining({ id: professionalId, displayName: 'Petra Professional' }),
    ]);

    // Another organisation's admin: the client does not exist for them.
    await api().get(`/api/caseload/clients/${clientId}`).set('cookie', otherCookie).expect(404);
  });

  it('without a session the caseload is not reached (401), and bad input is a 400 problem from the service', async () => {
    await api().get('/api/caseload/clients').expect(401);
    const res = await api().get('/api/caseload/clients?sort=ssn').set('cookie', cookie).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'sort' })]);
  });

  it('a deactivated client stays listed, marked deactivated', async () => {
    const professionalId = await invite(cookie, 'professional', 'Daan Professional');
    const clientId = await invite(cookie, 'client', 'Dina Client');
    await expectEventually(async () => {
      const res = await api()
        .post('/api/caseload/assignments')
        .set('cookie', cookie)
        .send({ clientId, professionalId });
      expect(res.status).toBe(201);
    });
    await api().post(`/api/users/${clientId}/deactivate`).set('cookie', cookie).expect(200);
    await expectEventually(async () => {
      const res = await api()
        .get(`/api/caseload/clients?professionalId=${professionalId}`)
        .set('cookie', cookie)
        .expect(200);
      expect(res.body.items).toEqual([expect.objectContaining({ id: clientId, status: 'deactivated' })]);
    });
  });
});
