import { randomUUID } from 'node:crypto';
import {
  auditEntryBatchRecordedV1,
  auditEntryRecordedV1,
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  caseloadErasureCompletedV1,
  dlqTopic,
  identityUserDeactivatedV1,
  identityUserProfileChangedV1,
  identityUserSignedInV1,
  retentionErasureRequestedV1,
} from '@therapy-room/contracts';
import { expectEventually, publishEvent } from '@therapy-room/testing';
import { ClientActivityRepository } from '../../src/people/client-activity.repository';
import { startCaseload, type CaseloadFixture, type Person } from '../support/caseload-fixture';

const hour = 60 * 60 * 1000;

describe('caseload: pagination, sorting, moves, events, bad input and erasure (real PostgreSQL and Kafka)', () => {
  let fx: CaseloadFixture;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  let admin: Person, pro: Person, colleague: Person, outsider: Person;
  let clients: Person[];

  beforeAll(async () => {
    fx = await startCaseload([
      auditEntryBatchRecordedV1.topic,
      auditEntryRecordedV1.topic,
      caseloadAssignmentGrantedV1.topic,
      caseloadAssignmentRevokedV1.topic,
      caseloadErasureCompletedV1.topic,
      dlqTopic(retentionErasureRequestedV1.topic),
    ]);
    [admin, pro, colleague] = await fx.people(tenant, [
      { role: 'org_admin', name: 'Ada Admin' },
      { role: 'professional', name: 'Pia Pro' },
      { role: 'professional', name: 'Cas Colleague' },
    ]);
    [outsider] = await fx.people(otherTenant, [{ role: 'professional', name: 'Xander Elsewhere' }]);
    // Twelve clients, "Client 01" … "Client 12"; 01–10 signed in at distinct times (01 longest ago), 11–12 never.
    clients = await fx.people(
      tenant,
      Array.from({ length: 12 }, (_, i) => ({
        role: 'client' as const,
        name: `Client ${String(i + 1).padStart(2, '0')}`,
      })),
    );
    for (const c of clients) {
      await fx
        .as(admin)
        .post('/caseload/assignments', { clientId: c.id, professionalId: pro.id })
        .expect(201);
    }
    const base = Date.parse('2026-11-01T08:00:00.000Z');
    await Promise.all(
      clients
        .slice(0, 10)
        .map((c, i) =>
          publishEvent(
            fx.prefix,
            identityUserSignedInV1,
            { userId: c.id, role: 'client', method: 'password' },
            { tenantId: tenant, subjectId: c.id, occurredAt: new Date(base + i * hour).toISOString() },
          ),
        ),
    );
    await expectEventually(async () => {
      const rows = await fx.db.query(
        `SELECT 1 FROM caseload.person WHERE tenant_id = $1 AND last_activity_at IS NOT NULL`,
        [tenant],
      );
      expect(rows).toHaveLength(10);
    });
  });
  afterAll(() => fx?.stop());

  const names = (body: { items: { displayName: string }[] }) => body.items.map((i) => i.displayName);

  describe('pagination and sorting', () => {
    it('sorts by last activity, newest first, never-active clients last, in pages that neither overlap nor skip', async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < 15; offset += 5) {
        const res = await fx.as(pro).get(`/caseload/clients?limit=5&offset=${offset}`).expect(200);
        expect(res.body).toMatchObject({ total: 12, limit: 5, offset, sort: 'lastActivity', order: 'desc' });
        seen.push(...names(res.body));
      }
      // Never-active clients come last, in id order (not by name).
      expect(seen.slice(0, 10)).toEqual(
        ['10', '09', '08', '07', '06', '05', '04', '03', '02', '01'].map((n) => `Client ${n}`),
      );
      expect(seen.slice(10).sort()).toEqual(['Client 11', 'Client 12']);
      const neverActive = clients.slice(10).map((c) => c.id);
      const lastTwo = (await fx.as(pro).get('/caseload/clients?limit=2&offset=10').expect(200)).body.items;
      expect(lastTwo.map((i: { id: string }) => i.id)).toEqual([...neverActive].sort());
    });

    it('audits a page as one read of each client shown, in one batch event', async () => {
      const res = await fx.as(pro).get('/caseload/clients?limit=5&sort=name').expect(200);
      const shown = (res.body.items as { id: string }[]).map((i) => i.id);
      const batch = await expectEventually(() => {
        const found = fx
          .events(auditEntryBatchRecordedV1.topic)
          .filter((e) => e.payload.requestId === res.headers['x-request-id']);
        expect(found).toHaveLength(1);
        return found[0];
      });
      expect(batch).toMatchObject({
        tenantId: tenant,
        subjectId: null,
        payload: { action: 'caseload.read', outcome: 'success', actorId: pro.id, resource: 'caseload.entry' },
      });
      expect(batch.payload.subjects).toEqual(shown.map((id) => ({ subjectId: id, resourceId: id })));
    });

    it('sorts by name either way, and past the last page gives no items but the total', async () => {
      const asc = await fx.as(pro).get('/caseload/clients?sort=name&limit=3').expect(200);
      expect(names(asc.body)).toEqual(['Client 01', 'Client 02', 'Client 03']);
      const desc = await fx.as(pro).get('/caseload/clients?sort=name&order=desc&limit=2').expect(200);
      expect(names(desc.body)).toEqual(['Client 12', 'Client 11']);
      const past = await fx.as(pro).get('/caseload/clients?offset=50').expect(200);
      expect(past.body).toMatchObject({ items: [], total: 12 });
    });

    it('a new sign-in moves the client to the top; an older, late event moves nothing', async () => {
      const client = clients[10];
      await publishEvent(
        fx.prefix,
        identityUserSignedInV1,
        { userId: client.id, role: 'client', method: 'sso' },
        {
          tenantId: tenant,
          subjectId: client.id,
        },
      );
      await expectEventually(async () => {
        const res = await fx.as(pro).get('/caseload/clients?limit=1').expect(200);
        expect(names(res.body)).toEqual(['Client 11']);
      });
      // What the consumer does with a late, older sign-in (applied directly: no event order to wait for).
      await fx.service.app
        .get(ClientActivityRepository)
        .active({ id: client.id, tenantId: tenant, at: '2026-01-01T00:00:00.000Z' });
      // A professional's list reads the copies on the caseload rows: still in step with the person.
      const [row] = await fx.db.query<{ person: Date; copy: Date }>(
        `SELECT p.last_activity_at AS person, a.client_last_activity_at AS copy
           FROM caseload.person p JOIN caseload.assignment a ON a.client_id = p.id AND a.ended_at IS NULL
          WHERE p.id = $1`,
        [client.id],
      );
      expect(row.copy).toEqual(row.person);
      expect(row.person.getTime()).toBeGreaterThan(Date.parse('2026-01-01T00:00:00.000Z'));
    });

    it('searches names case-insensitively, with % and _ taken literally', async () => {
      const res = await fx.as(pro).get('/caseload/clients?q=client%201&sort=name').expect(200);
      expect(names(res.body)).toEqual(['Client 10', 'Client 11', 'Client 12']);
      const wildcard = await fx
        .as(pro)
        .get(`/caseload/clients?q=${encodeURIComponent('%')}`)
        .expect(200);
      expect(wildcard.body.total).toBe(0);
    });

    it('an org admin lists the organisation, or one professional’s caseload', async () => {
      const all = await fx.as(admin).get('/caseload/clients?limit=100').expect(200);
      expect(all.body.total).toBe(12);
      const ofPro = await fx.as(admin).get(`/caseload/clients?professionalId=${pro.id}&limit=1`).expect(200);
      expect(ofPro.body).toMatchObject({ total: 12, items: [{ relation: 'assignment' }] });
      const ofColleague = await fx
        .as(admin)
        .get(`/caseload/clients?professionalId=${colleague.id}`)
        .expect(200);
      expect(ofColleague.body.total).toBe(0);
      const counts = await fx.as(admin).get('/caseload/professionals').expect(200);
      expect(counts.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: pro.id, displayName: 'Pia Pro', clients: 12 }),
        ]),
      );
    });
  });

  describe('bad input is a 400 naming the field, never a 500', () => {
    it.each([
      ['/caseload/clients/not-a-uuid', 'clientId'],
      ['/caseload/clients?sort=password', 'sort'],
      ['/caseload/clients?limit=1000', 'limit'],
      ['/caseload/clients?limit=0', 'limit'],
      ['/caseload/clients?offset=-1', 'offset'],
      ['/caseload/clients?professionalId=42', 'professionalId'],
      ['/caseload/clients?colour=red', 'colour'],
    ])('GET %s → %s', async (path, field) => {
      const res = await fx.as(pro).get(path).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    });

    it.each([
      [
        'an end before the start',
        () => ({ colleagueId: colleague.id, validFrom: inHours(3), validUntil: inHours(2) }),
        'validUntil',
      ],
      ['an end in the past', () => ({ colleagueId: colleague.id, validUntil: inHours(-1) }), 'validUntil'],
      ['a start long past', () => ({ colleagueId: colleague.id, validFrom: inHours(-2) }), 'validFrom'],
      ['oneself', () => ({ colleagueId: pro.id }), 'colleagueId'],
      ['a colleague of another organisation', () => ({ colleagueId: outsider.id }), 'colleagueId'],
      ['a client as colleague', () => ({ colleagueId: clients[1].id }), 'colleagueId'],
      ['an invalid id', () => ({ colleagueId: 'nobody' }), 'colleagueId'],
      [
        'a date that is not a date',
        () => ({ colleagueId: colleague.id, validUntil: 'next week' }),
        'validUntil',
      ],
      ['an unknown field', () => ({ colleagueId: colleague.id, note: 'holiday' }), 'note'],
    ])('linking with %s', async (_, body, field) => {
      const before = await fx.db.query(`SELECT count(*)::int AS n FROM caseload.colleague_link`);
      const res = await fx.as(pro).post(`/caseload/clients/${clients[0].id}/links`, body()).expect(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
      expect(await fx.db.query(`SELECT count(*)::int AS n FROM caseload.colleague_link`)).toEqual(before);
    });

    it('assigning to someone who is not a professional of the organisation', async () => {
      const res = await fx
        .as(admin)
        .post('/caseload/assignments', { clientId: clients[0].id, professionalId: outsider.id })
        .expect(400);
      expect(res.body.errors).toEqual([{ path: 'professionalId', message: expect.any(String) }]);
    });

    it('assigning twice is a conflict, not a second row', async () => {
      await fx
        .as(admin)
        .post('/caseload/assignments', { clientId: clients[0].id, professionalId: pro.id })
        .expect(409);
      const rows = await fx.db.query(
        `SELECT 1 FROM caseload.assignment WHERE client_id = $1 AND ended_at IS NULL`,
        [clients[0].id],
      );
      expect(rows).toHaveLength(1);
    });
  });

  it('a professional cannot take a client who is already in a colleague’s caseload (404)', async () => {
    await fx
      .as(colleague)
      .post('/caseload/assignments', { clientId: clients[0].id, professionalId: colleague.id })
      .expect(404);
  });

  it('moving a client keeps the history and publishes the revocation and the new grant', async () => {
    const client = clients[11];
    const moved = await fx
      .as(admin)
      .post(`/caseload/clients/${client.id}/move`, {
        fromProfessionalId: pro.id,
        toProfessionalId: colleague.id,
      })
      .expect(200);
    const entry = await fx.as(admin).get(`/caseload/clients/${client.id}`).expect(200);
    expect(entry.body.professionals).toEqual([
      expect.objectContaining({ id: colleague.id, relation: 'assignment' }),
    ]);
    expect(entry.body.history).toEqual([
      expect.objectContaining({
        professional: { id: colleague.id, displayName: 'Cas Colleague' },
        endedAt: null,
      }),
      expect.objectContaining({ professional: { id: pro.id, displayName: 'Pia Pro' }, endReason: 'moved' }),
    ]);
    await fx.as(pro).get(`/caseload/clients/${client.id}`).expect(404);
    await expectEventually(() => {
      expect(fx.events(caseloadAssignmentRevokedV1.topic)).toContainEqual(
        expect.objectContaining({
          subjectId: client.id,
          payload: expect.objectContaining({
            grantId: moved.body.endedAssignmentId,
            reason: 'moved',
            professionalId: pro.id,
          }),
        }),
      );
      expect(fx.events(caseloadAssignmentGrantedV1.topic)).toContainEqual(
        expect.objectContaining({
          subjectId: client.id,
          payload: {
            grantId: moved.body.assignmentId,
            kind: 'assignment',
            professionalId: colleague.id,
            clientId: client.id,
            validFrom: null,
            validUntil: null,
          },
        }),
      );
    });
  });

  it('a deactivated client stays in the caseload, marked as such', async () => {
    const client = clients[10];
    await publishEvent(
      fx.prefix,
      identityUserDeactivatedV1,
      { userId: client.id, byUserId: admin.id },
      { tenantId: tenant, subjectId: client.id },
    );
    await expectEventually(async () => {
      const res = await fx.as(pro).get('/caseload/clients?status=deactivated').expect(200);
      expect(res.body.items).toEqual([expect.objectContaining({ id: client.id, status: 'deactivated' })]);
    });
  });

  describe('erasure', () => {
    const erase = (subjectId: string, id?: string) =>
      publishEvent(
        fx.prefix,
        retentionErasureRequestedV1,
        { requestId: randomUUID(), reason: 'client_request' },
        { tenantId: tenant, subjectId, id },
      );

    it('revokes every open grant of the subject, deletes their rows, confirms once, and stays erased', async () => {
      const client = clients[2];
      const link = await fx
        .as(pro)
        .post(`/caseload/clients/${client.id}/links`, { colleagueId: colleague.id, validUntil: inHours(5) })
        .expect(201);
      const request = await erase(client.id);
      await erase(client.id, request.id); // redelivered: no second effect
      await expectEventually(() => {
        const confirmations = fx
          .events(caseloadErasureCompletedV1.topic)
          .filter((e) => e.payload.requestId === request.payload.requestId);
        expect(confirmations).toHaveLength(1);
      });
      // Audited once, by nobody (an event, not a request), from the unspecified address.
      await expectEventually(() => {
        const erasures = fx
          .events(auditEntryRecordedV1.topic)
          .filter((e) => e.payload.action === 'caseload.erase' && e.subjectId === client.id);
        expect(erasures).toEqual([
          expect.objectContaining({
            payload: expect.objectContaining({ outcome: 'success', actorId: null, sourceAddress: '::' }),
          }),
        ]);
      });
      const revoked = fx
        .events(caseloadAssignmentRevokedV1.topic)
        .filter((e) => e.subjectId === client.id && e.payload.reason === 'erased');
      expect(revoked.map((e) => e.payload.kind).sort()).toEqual(['assignment', 'link']);
      expect(revoked.map((e) => e.payload.grantId)).toContain(link.body.id);
      for (const table of ['person', 'assignment', 'colleague_link']) {
        const column = table === 'person' ? 'id' : 'client_id';
        expect(
          await fx.db.query(`SELECT 1 FROM caseload.${table} WHERE ${column} = $1`, [client.id]),
        ).toEqual([]);
      }
      // A profile event still on its way does not bring the erased client back.
      await publishEvent(
        fx.prefix,
        identityUserProfileChangedV1,
        { userId: client.id, displayName: 'Late Name' },
        {
          tenantId: tenant,
          subjectId: client.id,
        },
      );
      const marker = await erase(randomUUID());
      await expectEventually(() =>
        expect(fx.events(caseloadErasureCompletedV1.topic).map((e) => e.payload.requestId)).toContain(
          marker.payload.requestId,
        ),
      );
      expect(await fx.db.query(`SELECT 1 FROM caseload.person WHERE id = $1`, [client.id])).toEqual([]);
      await fx.as(pro).get(`/caseload/clients/${client.id}`).expect(404);
    });
  });

  describe('erasure checks the organisation and keeps other clients’ history', () => {
    it('a request of another organisation naming our client deletes nothing (dead-letter queue, no confirmation)', async () => {
      const [client] = await fx.people(tenant, [{ role: 'client', name: 'Tenant Checked' }]);
      const assignment = await fx
        .as(admin)
        .post('/caseload/assignments', { clientId: client.id, professionalId: pro.id })
        .expect(201);
      const requestId = randomUUID();
      await publishEvent(
        fx.prefix,
        retentionErasureRequestedV1,
        { requestId, reason: 'client_request' },
        { tenantId: otherTenant, subjectId: client.id },
      );
      await expectEventually(() => {
        const dead = fx.events(dlqTopic(retentionErasureRequestedV1.topic));
        expect(dead.some((e) => e.payload.requestId === requestId)).toBe(true);
      });
      expect(fx.events(caseloadErasureCompletedV1.topic).some((e) => e.payload.requestId === requestId)).toBe(
        false,
      );
      expect(await fx.db.query(`SELECT 1 FROM caseload.person WHERE id = $1`, [client.id])).toHaveLength(1);
      expect(await fx.db.query(`SELECT 1 FROM caseload.erased_subject WHERE id = $1`, [client.id])).toEqual(
        [],
      );
      expect(
        await fx.db.query(`SELECT 1 FROM caseload.assignment WHERE id = $1 AND ended_at IS NULL`, [
          assignment.body.id,
        ]),
      ).toHaveLength(1);
      expect(
        fx.events(caseloadAssignmentRevokedV1.topic).some((e) => e.payload.grantId === assignment.body.id),
      ).toBe(false);
      await fx.as(pro).get(`/caseload/clients/${client.id}`).expect(200);
    });

    it('erasing a professional keeps their clients’ history without them, and ends what they had and granted', async () => {
      const [leaving, staying, current, former] = await fx.people(tenant, [
        { role: 'professional', name: 'Lea Leaving' },
        { role: 'professional', name: 'Sam Staying' },
        { role: 'client', name: 'Cur Current' },
        { role: 'client', name: 'For Former' },
      ]);
      const past = await fx
        .as(admin)
        .post('/caseload/assignments', { clientId: former.id, professionalId: leaving.id })
        .expect(201);
      await fx
        .as(admin)
        .post(`/caseload/clients/${former.id}/move`, {
          fromProfessionalId: leaving.id,
          toProfessionalId: staying.id,
        })
        .expect(200);
      const open = await fx
        .as(admin)
        .post('/caseload/assignments', { clientId: current.id, professionalId: leaving.id })
        .expect(201);
      const granted = await fx
        .as(leaving)
        .post(`/caseload/clients/${current.id}/links`, { colleagueId: staying.id })
        .expect(201);
      const request = await publishEvent(
        fx.prefix,
        retentionErasureRequestedV1,
        { requestId: randomUUID(), reason: 'client_request' },
        { tenantId: tenant, subjectId: leaving.id },
      );
      await expectEventually(() =>
        expect(fx.events(caseloadErasureCompletedV1.topic).map((e) => e.payload.requestId)).toContain(
          request.payload.requestId,
        ),
      );
      // The former client's history keeps the assignment, without the professional.
      const history = await fx.as(admin).get(`/caseload/clients/${former.id}`).expect(200);
      expect(history.body.history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ assignmentId: past.body.id, professional: null, endReason: 'moved' }),
        ]),
      );
      expect(history.body.professionals).toEqual([expect.objectContaining({ id: staying.id })]);
      // The current client's assignment ended (erased) and stays in their history; the link they granted ended.
      const rows = await fx.db.query(
        `SELECT professional_id, assigned_by, end_reason FROM caseload.assignment WHERE id = $1`,
        [open.body.id],
      );
      expect(rows).toEqual([{ professional_id: null, assigned_by: admin.id, end_reason: 'erased' }]);
      const links = await fx.db.query(
        `SELECT linked_by, revoked_at IS NOT NULL AS revoked FROM caseload.colleague_link WHERE id = $1`,
        [granted.body.id],
      );
      expect(links).toEqual([{ linked_by: null, revoked: true }]);
      await fx.as(staying).get(`/caseload/clients/${current.id}`).expect(404);
      const revoked = fx
        .events(caseloadAssignmentRevokedV1.topic)
        .filter((e) => e.payload.reason === 'erased')
        .map((e) => e.payload.grantId);
      expect(revoked).toEqual(expect.arrayContaining([open.body.id, granted.body.id]));
      // No row anywhere still names the erased professional.
      const named = await fx.db.query(
        `SELECT id FROM caseload.assignment WHERE $1 IN (professional_id, assigned_by, ended_by)
         UNION ALL SELECT id FROM caseload.colleague_link WHERE $1 IN (professional_id, linked_by, revoked_by)
         UNION ALL SELECT id FROM caseload.person WHERE id = $1`,
        [leaving.id],
      );
      expect(named).toEqual([]);
    });
  });

  function inHours(h: number): string {
    return new Date(Date.now() + h * hour).toISOString();
  }
});
