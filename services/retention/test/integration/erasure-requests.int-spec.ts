import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  dlqTopic,
  identityTenantCreatedV1,
  contentErasureCompletedV1,
  erasureParticipants,
  retentionErasureCancelledV1,
  retentionErasureRequestedV1,
  retentionErasureScheduledV1,
  retentionPolicyChangedV1,
  auditEntryRecordedV1,
} from '@therapy-room/contracts';
import { Metrics } from '@therapy-room/platform';
import { signInternalToken } from '@therapy-room/auth';
import {
  TEST_CLIENT_ADDRESS,
  collectTopics,
  expectEventually,
  publishEvent,
  testSigningKey,
} from '@therapy-room/testing';
import { startRetention, type RetentionFixture } from '../support/retention-fixture';

const DAY = 24 * 60 * 60 * 1000;

/** Erasure requests through retention's API: who may ask, four eyes, grace, holds, the saga, the certificate. */
describe('retention: erasure requests and their saga', () => {
  let fx: RetentionFixture;
  beforeAll(async () => {
    fx = await startRetention();
  });
  afterAll(() => fx?.stop());

  const audited = (action: string, resourceId: string) =>
    fx
      .events(auditEntryRecordedV1.topic)
      .filter((e) => e.payload.action === action && e.payload.resourceId === resourceId);

  it('a client asks; asking again, or their professional asking, answers the open request', async () => {
    const org = await fx.organisation();
    const first = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    expect(first.body).toMatchObject({
      state: 'requested',
      clientId: org.client.id,
      requestedBy: org.client.id,
    });
    const again = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(200);
    expect(again.body.id).toBe(first.body.id);
    const byPro = await fx
      .as(org.pro)
      .post('/retention/requests', { kind: 'erasure', clientId: org.client.id })
      .expect(200);
    expect(byPro.body.id).toBe(first.body.id);
    await expectEventually(() => expect(audited('retention.request', first.body.id)).toHaveLength(1));
  });

  it('a professional may ask only for a client in their caseload; staff-less roles and bad input are refused', async () => {
    const org = await fx.organisation();
    await fx.as(org.pro).post('/retention/requests', { kind: 'erasure', clientId: org.other.id }).expect(404);
    await fx.as(org.pro).post('/retention/requests', { kind: 'erasure', clientId: randomUUID() }).expect(404);
    await fx
      .as(org.client)
      .post('/retention/requests', { kind: 'erasure', clientId: org.other.id })
      .expect(404);
    const bad = await fx
      .as(org.client)
      .post('/retention/requests', { kind: 'forget-me', extra: 1 })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['kind']));
    // An org admin of another organisation does not know the client.
    const elsewhere = await fx.organisation();
    await fx
      .as(elsewhere.admin)
      .post('/retention/requests', { kind: 'erasure', clientId: org.client.id })
      .expect(404);
  });

  it('four eyes: the requesting admin cannot approve; another admin can; the account is deactivated at once (event)', async () => {
    const org = await fx.organisation();
    const req = await fx
      .as(org.admin)
      .post('/retention/requests', { kind: 'erasure', clientId: org.client.id })
      .expect(201);
    const own = await fx.as(org.admin).post(`/retention/requests/${req.body.id}/approve`, {}).expect(403);
    expect(own.body.code).toBe('OWN_REQUEST');
    await fx.as(org.pro).post(`/retention/requests/${req.body.id}/approve`, {}).expect(403);
    await fx.as(org.client).post(`/retention/requests/${req.body.id}/approve`, {}).expect(403);

    const approved = await fx
      .as(org.admin2)
      .post(`/retention/requests/${req.body.id}/approve`, {})
      .expect(200);
    expect(approved.body).toMatchObject({ state: 'pending', approvedBy: org.admin2.id, onHold: false });
    expect(approved.body.runsAt).toBe(new Date(fx.clock.now().getTime() + 30 * DAY).toISOString());
    const scheduled = await expectEventually(() => {
      const found = fx.eventsOf(retentionErasureScheduledV1.topic, req.body.id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(scheduled.subjectId).toBe(org.client.id);
    expect(scheduled.payload.runsAt).toBe(approved.body.runsAt);
    await fx.as(org.admin2).post(`/retention/requests/${req.body.id}/approve`, {}).expect(409);
  });

  it('runs when the grace period ends, not before and not while held; completes when every registry participant confirmed; certificate', async () => {
    const org = await fx.organisation();
    const req = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    await fx.as(org.admin).post(`/retention/requests/${req.body.id}/approve`, {}).expect(200);

    fx.clock.advance(29 * DAY);
    await fx.tick();
    expect((await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body.state).toBe(
      'pending',
    );

    await fx.as(org.admin2).post(`/retention/requests/${req.body.id}/hold`, {}).expect(200);
    fx.clock.advance(2 * DAY);
    await fx.tick();
    expect((await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body).toMatchObject(
      {
        state: 'pending',
        onHold: true,
      },
    );

    await fx.as(org.admin2).post(`/retention/requests/${req.body.id}/resume`, {}).expect(200);
    await fx.tick();
    const running = (await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body;
    expect(running.state).toBe('running');
    expect(running.participants.map((p: { service: string }) => p.service)).toEqual(
      erasureParticipants().map((p) => p.service),
    );
    const published = await expectEventually(() => {
      const found = fx.eventsOf(retentionErasureRequestedV1.topic, req.body.id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(published).toMatchObject({ subjectId: org.client.id, payload: { reason: 'client_request' } });

    await fx.as(org.admin).get(`/retention/requests/${req.body.id}/certificate`).expect(409);
    await fx.confirmAll(req.body, { tenantId: org.tenantId, subjectId: org.client.id });
    const done = await expectEventually(async () => {
      const r = (await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body;
      expect(r.state).toBe('completed');
      return r;
    });
    expect(done.clientId).toBeNull();

    await fx.as(org.admin2).get(`/retention/requests/${req.body.id}/certificate`).expect(200);
    await fx.as(org.pro).get(`/retention/requests/${req.body.id}/certificate`).expect(403);
    const cert = (await fx.as(org.admin).get(`/retention/requests/${req.body.id}/certificate`).expect(200))
      .body;
    expect(cert.requestId).toBe(req.body.id);
    expect(cert.subjectPseudonym).toMatch(/^[0-9a-f]{64}$/);
    expect(cert.participants.map((p: { service: string }) => p.service)).toEqual(
      erasureParticipants().map((p) => p.service),
    );
    for (const p of cert.participants) expect(Date.parse(p.confirmedAt)).not.toBeNaN();
    const text = JSON.stringify(cert);
    expect(text).not.toContain(org.client.id);
    expect(text).not.toContain(org.tenantId);
    expect(text).not.toContain('Karel');
    // Retention itself forgot the client: the request keeps the pseudonym only, the directory entry is gone.
    expect(
      await fx.db.query(`SELECT 1 FROM ${fx.schema}.subject_request WHERE subject_id = $1`, [org.client.id]),
    ).toHaveLength(0);
    expect(
      await fx.db.query(`SELECT 1 FROM ${fx.schema}.person WHERE id = $1`, [org.client.id]),
    ).toHaveLength(0);
    await expectEventually(() => expect(audited('retention.certificate_read', req.body.id)).toHaveLength(2));
  });

  it('a silent participant is asked again after the timeout, and the request is marked stuck after N sendings', async () => {
    const org = await fx.organisation();
    const req = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    await fx.as(org.admin).post(`/retention/requests/${req.body.id}/approve`, {}).expect(200);
    fx.clock.advance(31 * DAY);
    await fx.tick();
    await fx.confirmAll(
      req.body,
      { tenantId: org.tenantId, subjectId: org.client.id },
      { except: ['content'] },
    );
    await expectEventually(async () => {
      const r = (await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body;
      expect(r.participants.filter((p: { confirmedAt: string | null }) => !p.confirmedAt)).toEqual([
        { service: 'content', confirmedAt: null },
      ]);
    });

    const stuckCount = async () => {
      const metric = await fx.service.app
        .get(Metrics)
        .registry.getSingleMetric('therapy_room_retention_requests_stuck_total')!
        .get();
      return metric.values.find((v) => v.labels.kind === 'erasure')?.value ?? 0;
    };
    const stuckBefore = await stuckCount();
    const since = fx.clock.now();
    fx.clock.advance(9 * 60 * 1000); // not yet past the 10-minute timeout
    await fx.tick();
    fx.clock.advance(2 * 60 * 1000);
    await fx.tick(); // second sending
    fx.clock.advance(11 * 60 * 1000);
    await fx.tick(); // third sending
    await expectEventually(() =>
      expect(fx.eventsOf(retentionErasureRequestedV1.topic, req.body.id)).toHaveLength(3),
    );
    fx.clock.advance(11 * 60 * 1000);
    await fx.tick(); // no fourth: stuck
    const stuck = (await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body;
    expect(stuck).toMatchObject({ state: 'running', stuck: true });
    // One count per request marked stuck since (other tests' requests may run out meanwhile).
    const markedNow = await fx.db.query(`SELECT id FROM ${fx.schema}.subject_request WHERE stuck_at > $1`, [
      since,
    ]);
    expect(markedNow.map((r) => r.id)).toContain(req.body.id);
    expect(await stuckCount()).toBe(stuckBefore + markedNow.length);

    // The late participant still completes it.
    await publishEvent(
      fx.prefix,
      contentErasureCompletedV1,
      { requestId: req.body.id },
      {
        tenantId: org.tenantId,
        subjectId: org.client.id,
      },
    );
    await expectEventually(async () =>
      expect((await fx.as(org.admin).get(`/retention/requests/${req.body.id}`).expect(200)).body.state).toBe(
        'completed',
      ),
    );
    expect(fx.eventsOf(retentionErasureRequestedV1.topic, req.body.id)).toHaveLength(3);
  });

  it('cancel during grace gives the account back (event); a cancelled request is final', async () => {
    const org = await fx.organisation();
    const req = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    await fx.as(org.admin).post(`/retention/requests/${req.body.id}/approve`, {}).expect(200);
    const cancelled = await fx
      .as(org.admin2)
      .post(`/retention/requests/${req.body.id}/cancel`, {})
      .expect(200);
    expect(cancelled.body.state).toBe('cancelled');
    await expectEventually(() =>
      expect(fx.eventsOf(retentionErasureCancelledV1.topic, req.body.id)).toHaveLength(1),
    );
    await fx.as(org.admin2).post(`/retention/requests/${req.body.id}/approve`, {}).expect(409);
    fx.clock.advance(31 * DAY);
    await fx.tick();
    expect(fx.eventsOf(retentionErasureRequestedV1.topic, req.body.id)).toHaveLength(0);
    // A new request may be made after a cancelled one.
    const next = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    expect(next.body.id).not.toBe(req.body.id);
  });

  it('a legal hold blocks asking, approving and running an erasure until lifted (audited)', async () => {
    const org = await fx.organisation();
    const scheduled = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    await fx.as(org.admin).post(`/retention/requests/${scheduled.body.id}/approve`, {}).expect(200);

    await fx
      .as(org.pro)
      .put(`/retention/clients/${org.client.id}/legal-hold`, { reason: 'court order 2030/17' })
      .expect(403);
    await fx.as(org.admin).put(`/retention/clients/${org.client.id}/legal-hold`, { reason: 'x' }).expect(400);
    const hold = await fx
      .as(org.admin)
      .put(`/retention/clients/${org.client.id}/legal-hold`, { reason: 'court order 2030/17' })
      .expect(200);
    expect(hold.body).toMatchObject({ held: true, reason: 'court order 2030/17', placedBy: org.admin.id });

    fx.clock.advance(31 * DAY);
    await fx.tick();
    expect(
      (await fx.as(org.admin).get(`/retention/requests/${scheduled.body.id}`).expect(200)).body.state,
    ).toBe('pending');
    await fx.as(org.admin).post(`/retention/requests/${scheduled.body.id}/cancel`, {}).expect(200);
    const refused = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(409);
    expect(refused.body.code).toBe('LEGAL_HOLD');

    await fx.as(org.admin2).delete(`/retention/clients/${org.client.id}/legal-hold`).expect(200);
    await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    await expectEventually(() => {
      expect(audited('retention.legal_hold', org.client.id)).toHaveLength(1);
      expect(audited('retention.legal_hold_lift', org.client.id)).toHaveLength(1);
    });
    // The reason never travels in an event.
    expect(JSON.stringify(fx.events(auditEntryRecordedV1.topic))).not.toContain('court order');
  });

  it('a policy that refuses early erasure answers with the date it becomes possible (kept, audited)', async () => {
    const org = await fx.organisation('uk');
    const policy = (await fx.as(org.admin).get('/retention/policy').expect(200)).body;
    expect(policy).toEqual({
      country: 'GB',
      yearsAfterTreatment: 8,
      erasureBeforeExpiry: 'refused',
      graceDays: 30,
      idleDays: null,
    });
    // The client is on a caseload now: treatment goes on, so 8 years from today at the earliest.
    await expectEventually(async () =>
      expect(
        await fx.db.query(
          `SELECT 1 FROM ${fx.schema}.client_activity WHERE client_id = $1 AND open_assignments = 1`,
          [org.client.id],
        ),
      ).toHaveLength(1),
    );
    const refused = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(409);
    expect(refused.body.code).toBe('RETENTION_PERIOD_NOT_ENDED');
    const possibleFrom = new Date(fx.clock.now());
    possibleFrom.setUTCFullYear(possibleFrom.getUTCFullYear() + 8);
    const day = possibleFrom.toISOString().slice(0, 10);
    expect(refused.body.detail).toContain(day);
    const list = (await fx.as(org.admin).get(`/retention/requests?clientId=${org.client.id}`).expect(200))
      .body;
    expect(list.items).toEqual([expect.objectContaining({ state: 'refused', possibleFrom: day })]);
    await expectEventually(() =>
      expect(audited('retention.refuse', list.items[0].id)).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({ outcome: 'failure', reason: 'retention_period' }),
        }),
      ]),
    );

    // The organisation allows it instead (audited): the same client may now ask.
    await fx
      .as(org.pro)
      .put('/retention/policy', { ...policy, erasureBeforeExpiry: 'allowed' })
      .expect(403);
    await fx
      .as(org.admin)
      .put('/retention/policy', { ...policy, graceDays: 10 })
      .expect(400);
    await fx
      .as(org.admin)
      .put('/retention/policy', { ...policy, erasureBeforeExpiry: 'allowed', graceDays: 14 })
      .expect(200);
    const ok = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
    const approved = await fx.as(org.admin).post(`/retention/requests/${ok.body.id}/approve`, {}).expect(200);
    expect(approved.body.runsAt).toBe(new Date(fx.clock.now().getTime() + 14 * DAY).toISOString());
  });

  it('an org admin sets the idle-account rule in the policy (30–3650 days or off); each save is told to identity', async () => {
    const org = await fx.organisation();
    const policy = (await fx.as(org.admin).get('/retention/policy').expect(200)).body;
    expect(policy.idleDays).toBe(null);
    for (const idleDays of [29, 3651, 45.5, '60']) {
      const refused = await fx
        .as(org.admin)
        .put('/retention/policy', { ...policy, idleDays })
        .expect(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['idleDays']);
    }
    await fx
      .as(org.pro)
      .put('/retention/policy', { ...policy, idleDays: 365 })
      .expect(403);
    const told = () => fx.events(retentionPolicyChangedV1.topic).filter((e) => e.tenantId === org.tenantId);
    expect(told()).toEqual([]);
    await fx
      .as(org.admin)
      .put('/retention/policy', { ...policy, idleDays: 365 })
      .expect(200);
    await fx.as(org.admin).put('/retention/policy', policy).expect(200);
    await expectEventually(() =>
      expect(told().map((e) => e.payload)).toEqual([{ idleDays: 365 }, { idleDays: null }]),
    );
    expect(told()[0].subjectId).toBe(null);
  });

  it("refuses the other region: a UK region's internal token is 401, a UK region's events go to the DLQ without effect", async () => {
    const org = await fx.organisation();
    const ukToken = signInternalToken({ ...fx.actor(org.client), region: 'uk' }, testSigningKey, 'retention');
    const refused = await request(fx.service.url)
      .post('/retention/requests')
      .set('authorization', `Bearer ${ukToken}`)
      .set('x-client-address', TEST_CLIENT_ADDRESS)
      .send({ kind: 'erasure' })
      .expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(
      await fx.db.query(`SELECT 1 FROM ${fx.schema}.subject_request WHERE subject_id = $1`, [org.client.id]),
    ).toHaveLength(0);

    // An organisation announced by the UK region's identity, and a UK participant's confirmation of
    // this region's request: neither is acted on.
    const dlq = await collectTopics([
      `${fx.prefix}${dlqTopic(identityTenantCreatedV1.topic)}`,
      `${fx.prefix}${dlqTopic(contentErasureCompletedV1.topic)}`,
    ]);
    try {
      const tenantId = randomUUID();
      const created = await publishEvent(
        fx.prefix,
        identityTenantCreatedV1,
        { tenantId, slug: `uk-${tenantId.slice(0, 8)}`, region: 'uk', professionalSeats: 5 },
        { tenantId, region: 'uk' },
      );
      const asked = await fx.as(org.client).post('/retention/requests', { kind: 'erasure' }).expect(201);
      const confirmed = await publishEvent(
        fx.prefix,
        contentErasureCompletedV1,
        { requestId: asked.body.id },
        { tenantId: org.tenantId, subjectId: org.client.id, region: 'uk' },
      );
      // Dead-lettered by retention itself: its handling of each event is over, with no effect.
      const dead = await expectEventually(() => {
        const found = dlq.messages.filter((m) =>
          [created.id, confirmed.id].includes(m.headers!['event-id']?.toString() ?? ''),
        );
        expect(found).toHaveLength(2);
        return found;
      });
      for (const m of dead) {
        expect(m.headers!['dlq-service']!.toString()).toBe('retention');
        expect(m.headers!['dlq-reason']!.toString()).toBe('event of region uk refused by region eea');
      }
      expect(
        await fx.db.query(`SELECT 1 FROM ${fx.schema}.retention_policy WHERE tenant_id = $1`, [tenantId]),
      ).toHaveLength(0);
      expect(
        await fx.db.query(`SELECT 1 FROM ${fx.schema}.inbox WHERE event_id = ANY($1)`, [
          [created.id, confirmed.id],
        ]),
      ).toHaveLength(0);
    } finally {
      await dlq.stop();
    }
  });
});
