import { randomUUID } from 'node:crypto';
import { auditEntryBatchRecordedV1, auditEntryRecordedV1 } from '@therapy-room/contracts';
import { Clock } from '@therapy-room/platform';
import { expectEventually } from '@therapy-room/testing';
import { startCaseload, type CaseloadFixture, type Person } from '../support/caseload-fixture';

/**
 * Who may list, open, link and unlink one client (real PostgreSQL and Kafka). A stranger learns
 * nothing (404); someone who may see the client but not change it gets 403. Platform staff under an
 * access grant read the organisation's caseloads and change nothing; without a grant (or with one for
 * another organisation) they learn nothing.
 */
describe('caseload access matrix', () => {
  let fx: CaseloadFixture;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  let admin: Person, owner: Person, during: Person, before: Person, after: Person, other: Person;
  let target: Person, client: Person, otherClient: Person, adminB: Person, proB: Person;
  let staff: Person, staffWithoutGrant: Person, foreignStaff: Person;
  let now: number;

  const actors = () =>
    ({
      owner,
      'linked colleague during the window': during,
      'linked colleague before the window': before,
      'linked colleague after the window': after,
      'other professional': other,
      'client self': client,
      'other client': otherClient,
      'org admin': admin,
      'other organisation': adminB,
      'platform staff': staff,
      'platform staff without a grant': staffWithoutGrant,
      'platform staff of another organisation': foreignStaff,
    }) as const;
  type ActorName = keyof ReturnType<typeof actors>;

  const hour = 60 * 60 * 1000;

  beforeAll(async () => {
    fx = await startCaseload([auditEntryRecordedV1.topic, auditEntryBatchRecordedV1.topic]);
    [admin, owner, during, before, after, other, target, client, otherClient] = await fx.people(tenantA, [
      { role: 'org_admin', name: 'Ada Admin' },
      { role: 'professional', name: 'Olga Owner' },
      { role: 'professional', name: 'Dirk During' },
      { role: 'professional', name: 'Bea Before' },
      { role: 'professional', name: 'Aart After' },
      { role: 'professional', name: 'Otto Other' },
      { role: 'professional', name: 'Tess Target' },
      { role: 'client', name: 'Chris Client' },
      { role: 'client', name: 'Olivia Otherclient' },
    ]);
    [adminB, proB] = await fx.people(tenantB, [
      { role: 'org_admin', name: 'Bob Admin' },
      { role: 'professional', name: 'Bram Pro' },
    ]);
    const staffId = randomUUID();
    // Under a grant that the organisation's admin approved: the admin answers for what staff do with it.
    staff = {
      id: staffId,
      tenantId: tenantA,
      role: 'platform_staff',
      grantId: randomUUID(),
      grantResponsible: admin.id,
    };
    staffWithoutGrant = { id: staffId, tenantId: randomUUID(), role: 'platform_staff' };
    foreignStaff = { id: staffId, tenantId: tenantB, role: 'platform_staff', grantId: randomUUID() };
    // The time as caseload sees it: fixed, moved by the test (no sleeping for a link to run out).
    now = Date.now();
    jest.spyOn(fx.service.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    await fx
      .as(admin)
      .post('/caseload/assignments', { clientId: client.id, professionalId: owner.id })
      .expect(201);
    await fx
      .as(admin)
      .post('/caseload/assignments', { clientId: otherClient.id, professionalId: other.id })
      .expect(201);
    for (const [colleague, validFrom, validUntil] of [
      [during, undefined, new Date(now + hour).toISOString()],
      [before, new Date(now + hour).toISOString(), new Date(now + 2 * hour).toISOString()],
      [after, undefined, new Date(now + 60_000).toISOString()],
    ] as const) {
      await fx
        .as(owner)
        .post(`/caseload/clients/${client.id}/links`, { colleagueId: colleague.id, validFrom, validUntil })
        .expect(201);
    }
    await fx.as(after).get(`/caseload/clients/${client.id}`).expect(200);
    // The "after" colleague's link ends by itself when the clock passes its end: no request, no event.
    now += 2 * 60_000;
  });
  afterAll(() => fx?.stop());

  const expectations: Record<
    ActorName,
    { list: 'sees' | 'not' | 403; get: number; link: number; unlink: number }
  > = {
    owner: { list: 'sees', get: 200, link: 201, unlink: 204 },
    'linked colleague during the window': { list: 'sees', get: 200, link: 403, unlink: 403 },
    'linked colleague before the window': { list: 'not', get: 404, link: 404, unlink: 404 },
    'linked colleague after the window': { list: 'not', get: 404, link: 404, unlink: 404 },
    'other professional': { list: 'not', get: 404, link: 404, unlink: 404 },
    'client self': { list: 403, get: 200, link: 403, unlink: 403 },
    'other client': { list: 403, get: 404, link: 404, unlink: 404 },
    'org admin': { list: 'sees', get: 200, link: 201, unlink: 204 },
    'other organisation': { list: 'not', get: 404, link: 404, unlink: 404 },
    'platform staff': { list: 'sees', get: 200, link: 403, unlink: 403 },
    'platform staff without a grant': { list: 403, get: 404, link: 404, unlink: 404 },
    'platform staff of another organisation': { list: 'not', get: 404, link: 404, unlink: 404 },
  };
  const cells = Object.entries(expectations) as [ActorName, (typeof expectations)[ActorName]][];

  it.each(cells)('list: %s', async (name, expected) => {
    const res = await fx.as(actors()[name]).get('/caseload/clients?limit=100');
    if (expected.list === 403) {
      expect(res.status).toBe(403);
      return;
    }
    expect(res.status).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((i) => i.id);
    expect(ids.includes(client.id)).toBe(expected.list === 'sees');
  });

  it.each(cells)('get: %s', async (name, expected) => {
    const res = await fx.as(actors()[name]).get(`/caseload/clients/${client.id}`);
    expect(res.status).toBe(expected.get);
    if (res.status === 404) expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    if (res.status === 200)
      expect(res.body.client).toMatchObject({ id: client.id, displayName: 'Chris Client' });
  });

  it.each(cells)('link: %s', async (name, expected) => {
    const actor = actors()[name];
    // Someone of the actor's own organisation, other than the actor: only the client decides the answer.
    const colleagueId = actor.tenantId === tenantB ? proB.id : target.id;
    const res = await fx.as(actor).post(`/caseload/clients/${client.id}/links`, {
      colleagueId,
      validUntil: new Date(now + hour).toISOString(),
    });
    expect(res.status).toBe(expected.link);
  });

  it.each(cells)('unlink: %s', async (name, expected) => {
    // A fresh link to remove for each cell, made by the owner.
    const made = await fx.as(owner).post(`/caseload/clients/${client.id}/links`, {
      colleagueId: target.id,
      validUntil: new Date(now + hour).toISOString(),
    });
    expect(made.status).toBe(201);
    const res = await fx.as(actors()[name]).delete(`/caseload/clients/${client.id}/links/${made.body.id}`);
    expect(res.status).toBe(expected.unlink);
    const stillOpen = await fx.as(owner).get(`/caseload/clients/${client.id}`).expect(200);
    const linkIds = (stillOpen.body.links as { id: string }[]).map((l) => l.id);
    expect(linkIds.includes(made.body.id)).toBe(expected.unlink !== 204);
  });

  it.each(cells)('settings: %s', async (name) => {
    const actor = actors()[name];
    const reads = [
      'org admin',
      'other organisation',
      'platform staff',
      'platform staff of another organisation',
    ];
    const professional = actor.role === 'professional';
    const read = await fx.as(actor).get('/caseload/settings');
    expect(read.status).toBe(reads.includes(name) || professional ? 200 : 403);
    const write = await fx
      .as(actor)
      .put('/caseload/settings', { professionalsMayTakeUnassignedClients: false });
    expect(write.status).toBe(actor.role === 'org_admin' ? 200 : 403);
  });

  it('the client sees their professionals, linked colleagues only while linked', async () => {
    const res = await fx.as(client).get('/caseload/me/professionals').expect(200);
    const byId = new Map(
      (res.body.items as { id: string; relation: string }[]).map((i) => [i.id, i.relation]),
    );
    expect(byId.get(owner.id)).toBe('assignment');
    expect(byId.get(during.id)).toBe('link');
    expect(byId.has(before.id)).toBe(false);
    expect(byId.has(after.id)).toBe(false);
    expect(byId.has(other.id)).toBe(false);
  });

  it('audits every read of the entry and every refusal, with who, whom and from where', async () => {
    const ok = await fx.as(during).get(`/caseload/clients/${client.id}`).expect(200);
    const refused = await fx.as(other).get(`/caseload/clients/${client.id}`).expect(404);
    const entries = () =>
      fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => [ok, refused].some((r) => e.payload.requestId === r.headers['x-request-id']));
    const [read, refusal] = await expectEventually(() => {
      const found = entries();
      expect(found).toHaveLength(2);
      return [
        found.find((e) => e.payload.outcome === 'success')!,
        found.find((e) => e.payload.outcome === 'failure')!,
      ];
    });
    expect(read).toMatchObject({
      tenantId: tenantA,
      subjectId: client.id,
      payload: {
        action: 'caseload.read',
        actorId: during.id,
        actorRole: 'professional',
        resource: 'caseload.entry',
        resourceId: client.id,
        sourceAddress: '203.0.113.9',
      },
    });
    expect(refusal).toMatchObject({
      subjectId: client.id,
      payload: { action: 'caseload.read', outcome: 'failure', actorId: other.id },
    });
  });
  it('records on what basis each read was allowed: assignment, colleague link, staff grant, admin, self', async () => {
    const readers = { owner, during, staff, admin, client } as const;
    const requests = new Map<string, string>();
    for (const [name, reader] of Object.entries(readers)) {
      const res = await fx.as(reader).get(`/caseload/clients/${client.id}`).expect(200);
      requests.set(res.headers['x-request-id'] as string, name);
    }
    const refused = await fx.as(other).get(`/caseload/clients/${client.id}`).expect(404);
    requests.set(refused.headers['x-request-id'] as string, 'other');
    const byReader = await expectEventually(() => {
      const found = fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => requests.has(e.payload.requestId as string));
      expect(found).toHaveLength(requests.size);
      return new Map(found.map((e) => [requests.get(e.payload.requestId as string)!, e.payload]));
    });
    expect(byReader.get('owner')).toMatchObject({ outcome: 'success', basis: 'caseload_assignment' });
    expect(byReader.get('during')).toMatchObject({ outcome: 'success', basis: 'colleague_link' });
    expect(byReader.get('staff')).toMatchObject({
      outcome: 'success',
      basis: 'staff_grant',
      grantId: staff.grantId,
      // NEN 7513's responsible user: the org admin who approved the grant.
      responsibleUserId: admin.id,
    });
    // Nobody acts for another here: no responsible user recorded.
    for (const name of ['owner', 'during', 'admin', 'client', 'other'])
      expect(byReader.get(name)!.responsibleUserId).toBeUndefined();
    expect(byReader.get('admin')).toMatchObject({ outcome: 'success', basis: 'organisation_admin' });
    expect(byReader.get('client')).toMatchObject({ outcome: 'success', basis: 'self' });
    // A refusal has no basis.
    expect(byReader.get('other')).toMatchObject({ outcome: 'failure' });
    expect(byReader.get('other')!.basis).toBeUndefined();
  });

  it('a page of the caseload list records each client on the basis the professional has for them', async () => {
    const res = await fx.as(during).get('/caseload/clients').expect(200);
    expect((res.body.items as { id: string }[]).map((i) => i.id)).toContain(client.id);
    const batch = await expectEventually(() => {
      const found = fx
        .events(auditEntryBatchRecordedV1.topic)
        .filter((e) => e.payload.requestId === res.headers['x-request-id']);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(batch.payload).toMatchObject({
      action: 'caseload.read',
      basis: 'colleague_link',
      subjects: [{ subjectId: client.id, resourceId: client.id }],
    });
  });
});
