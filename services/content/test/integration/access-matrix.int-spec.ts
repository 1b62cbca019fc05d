import { randomUUID } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import { expectEventually } from '@therapy-room/testing';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

/**
 * Who sees which client's work: the client, and professionals with a grant in the caseload read model
 * right now. Other clients, professionals without a grant (or whose grant was revoked or ran out) and
 * anyone of another organisation get 404; administrators get 403. Every read and refusal is audited.
 */
describe('content access matrix (real PostgreSQL and Kafka)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  let pro: Person, linked: Person, revoked: Person, expired: Person, bystander: Person, admin: Person;
  let client: Person, otherClient: Person, foreignPro: Person;
  let assignmentId: string;

  beforeAll(async () => {
    fx = await startContent([auditEntryRecordedV1.topic]);
    [pro, linked, revoked, expired, bystander, admin, client, otherClient] = fx.people(tenant, [
      'professional',
      'professional',
      'professional',
      'professional',
      'professional',
      'org_admin',
      'client',
      'client',
    ]);
    [foreignPro] = fx.people(otherTenant, ['professional']);
    await fx.grant(pro, client);
    await fx.grant(linked, client, { validUntil: new Date(Date.now() + 3600_000).toISOString() });
    const gone = await fx.grant(revoked, client);
    await fx.revoke(gone, revoked, client);
    await fx.grant(expired, client, { validUntil: new Date(Date.now() + 1500).toISOString() });
    // The foreign professional has a caseload of their own, in their own organisation.
    const [foreignClient] = fx.people(otherTenant, ['client']);
    await fx.grant(foreignPro, foreignClient);
    const res = await fx
      .as(pro)
      .post('/content/assignments', { clientId: client.id, toolId: fx.tool('mood-diary').toolId })
      .expect(201);
    assignmentId = res.body.id;
    await fx
      .as(client)
      .post(`/content/assignments/${assignmentId}/diary-entries`, {
        values: { mood: 5, anxiety: 2, sleep: 8 },
      })
      .expect(201);
    await new Promise((r) => setTimeout(r, 1600)); // let the short link run out (its own clock, no event)
  });
  afterAll(() => fx?.stop());

  const cases: [string, number, () => Person][] = [
    ['the client themself', 200, () => client],
    ['the assigned professional', 200, () => pro],
    ['a colleague linked right now', 200, () => linked],
    ['a professional whose grant was revoked', 404, () => revoked],
    ['a professional whose link ran out', 404, () => expired],
    ['a professional of the same organisation without a grant', 404, () => bystander],
    ['another client', 404, () => otherClient],
    ['a professional of another organisation', 404, () => foreignPro],
    ['an organisation administrator', 403, () => admin],
  ];

  it.each(cases)('%s: the assignment → %i', async (_name, status, who) => {
    await fx.as(who()).get(`/content/assignments/${assignmentId}`).expect(status);
  });

  it.each(cases)('%s: the list of tools → %i', async (_name, status, who) => {
    await fx.as(who()).get(`/content/clients/${client.id}/assignments`).expect(status);
  });

  it.each(cases)('%s: the report → %i', async (_name, status, who) => {
    await fx.as(who()).get(`/content/clients/${client.id}/report`).expect(status);
  });

  it('an unknown assignment is 404 like a hidden one; a malformed id is 400', async () => {
    await fx.as(pro).get(`/content/assignments/${randomUUID()}`).expect(404);
    const bad = await fx.as(pro).get('/content/assignments/not-an-id').expect(400);
    expect(bad.body.errors).toEqual([{ path: 'assignmentId', message: 'must be a UUID' }]);
  });

  it('a request without the internal token is 401', async () => {
    const { default: request } = await import('supertest');
    await request(fx.service.url).get(`/content/assignments/${assignmentId}`).expect(401);
  });

  it('audits every read of client work, and every refusal, with ids only', async () => {
    await fx.as(pro).get(`/content/assignments/${assignmentId}`).expect(200);
    await fx.as(bystander).get(`/content/assignments/${assignmentId}`).expect(404);
    await expectEventually(async () => {
      const entries = fx.events(auditEntryRecordedV1.topic).filter((e) => e.subjectId === client.id);
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.read',
              outcome: 'success',
              actorId: pro.id,
              actorRole: 'professional',
              resource: 'content.assignment',
              resourceId: assignmentId,
              sourceAddress: '203.0.113.9',
            }),
          }),
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.read',
              outcome: 'failure',
              actorId: bystander.id,
              reason: 'not_found',
            }),
          }),
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.write',
              actorId: client.id,
              outcome: 'success',
            }),
          }),
        ]),
      );
    });
  });
});
