import { randomUUID } from 'node:crypto';
import { auditEntryRecordedV1, identityUserDeactivatedV1 } from '@therapy-room/contracts';
import { expectEventually, publishEvent } from '@therapy-room/testing';
import { startCaseload, type CaseloadFixture, type Person } from '../support/caseload-fixture';

describe('caseload: colleagues to link to a client (real PostgreSQL and Kafka)', () => {
  let fx: CaseloadFixture;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  let admin: Person, pro: Person, cas: Person, bo: Person, gone: Person, client: Person;

  beforeAll(async () => {
    fx = await startCaseload([auditEntryRecordedV1.topic]);
    [admin, pro, cas, bo, gone, client] = await fx.people(tenant, [
      { role: 'org_admin', name: 'Ada Admin' },
      { role: 'professional', name: 'Pia Pro' },
      { role: 'professional', name: 'Cas Colleague' },
      { role: 'professional', name: 'Bo 100%_Colleague' },
      { role: 'professional', name: 'Gus Gone' },
      { role: 'client', name: 'Cora Client' },
    ]);
    await fx.people(otherTenant, [{ role: 'professional', name: 'Xander Elsewhere' }]);
    await publishEvent(
      fx.prefix,
      identityUserDeactivatedV1,
      { userId: gone.id, byUserId: admin.id },
      { tenantId: tenant, subjectId: gone.id },
    );
    await expectEventually(async () => {
      const rows = await fx.db.query(`SELECT status FROM caseload.person WHERE id = $1`, [gone.id]);
      expect(rows).toEqual([{ status: 'deactivated' }]);
    });
  });
  afterAll(() => fx?.stop());

  it("lists the organisation's other active professionals by name: id, name and role only", async () => {
    const res = await fx.as(pro).get('/caseload/colleagues').expect(200);
    expect(res.body).toEqual({
      items: [
        { id: bo.id, displayName: 'Bo 100%_Colleague', role: 'professional' },
        { id: cas.id, displayName: 'Cas Colleague', role: 'professional' },
      ],
      total: 2,
      limit: 20,
      offset: 0,
    });
    // Org admins link colleagues too: they see every active professional.
    const asAdmin = await fx.as(admin).get('/caseload/colleagues').expect(200);
    expect(asAdmin.body.items.map((i: { id: string }) => i.id)).toEqual([bo.id, cas.id, pro.id]);
  });

  it('searches by part of the name (wildcards are literal) and pages without overlap, the total on every page', async () => {
    const found = await fx.as(pro).get('/caseload/colleagues?q=cas').expect(200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([cas.id]);
    const literal = await fx
      .as(pro)
      .get(`/caseload/colleagues?q=${encodeURIComponent('%_')}`)
      .expect(200);
    expect(literal.body.items.map((i: { id: string }) => i.id)).toEqual([bo.id]);
    const first = await fx.as(pro).get('/caseload/colleagues?limit=1').expect(200);
    const second = await fx.as(pro).get('/caseload/colleagues?limit=1&offset=1').expect(200);
    const past = await fx.as(pro).get('/caseload/colleagues?limit=1&offset=5').expect(200);
    expect([first.body.items[0].id, second.body.items[0].id]).toEqual([bo.id, cas.id]);
    expect([first.body.total, second.body.total, past.body.total]).toEqual([2, 2, 2]);
    expect(past.body.items).toEqual([]);
  });

  it('audits a page that shows anyone as a search (no subject, no query text), and an empty one not at all', async () => {
    const shown = await fx.as(pro).get('/caseload/colleagues?q=Colleague').expect(200);
    const empty = await fx.as(pro).get('/caseload/colleagues?q=nobody-by-this-name').expect(200);
    expect(empty.body).toMatchObject({ items: [], total: 0 });
    const entry = await expectEventually(() => {
      const found = fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => e.payload.requestId === shown.headers['x-request-id']);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(entry).toMatchObject({
      tenantId: tenant,
      subjectId: null,
      payload: {
        action: 'caseload.colleague_search',
        outcome: 'success',
        actorId: pro.id,
        actorRole: 'professional',
        resource: 'caseload.colleagues',
        resourceId: null,
      },
    });
    expect(JSON.stringify(entry)).not.toContain('Colleague');
    // The empty page's request came later; by the time a later audited request's entry is out, its
    // entry would have been too (one producer, in order).
    const later = await fx.as(admin).get('/caseload/colleagues').expect(200);
    await expectEventually(() =>
      expect(
        fx
          .events(auditEntryRecordedV1.topic)
          .filter((e) => e.payload.requestId === later.headers['x-request-id']),
      ).toHaveLength(1),
    );
    expect(
      fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => e.payload.requestId === empty.headers['x-request-id']),
    ).toEqual([]);
  });

  it('refuses clients (403) and bad queries (400 with the field), never a 500', async () => {
    const refused = await fx.as(client).get('/caseload/colleagues').expect(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const bad = await fx.as(pro).get('/caseload/colleagues?limit=0&extra=1').expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'limit']);
    const tooBig = await fx.as(pro).get('/caseload/colleagues?limit=1000').expect(400);
    expect(tooBig.body.errors).toEqual([expect.objectContaining({ path: 'limit' })]);
  });
});
