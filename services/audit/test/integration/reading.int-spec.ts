import { randomUUID } from 'node:crypto';
import { auditOutsideAccessNoticeDueV1 } from '@therapy-room/contracts';
import { expectEventually } from '@therapy-room/testing';
import { AuditClock } from '../../src/log/audit-clock';
import { startAudit, type AuditFixture, type Person } from '../support/audit-fixture';

/** Reading the log: the client's contact history, org admins' search and CSV export, each read audited. */
describe('audit: contact history and search', () => {
  let fx: AuditFixture;
  const tenantId = randomUUID();
  let admin: Person, pro: Person, colleague: Person, client: Person, other: Person;
  const staffId = randomUUID();
  const grantId = randomUUID();

  beforeAll(async () => {
    fx = await startAudit([auditOutsideAccessNoticeDueV1.topic]);
    [admin, pro, colleague, client, other] = await fx.announce(tenantId, [
      { role: 'org_admin', name: 'Ada Admin' },
      { role: 'professional', name: 'Petra Pro' },
      { role: 'professional', name: 'Cees Colleague' },
      { role: 'client', name: 'Karel Client' },
      { role: 'client', name: 'Olga Other' },
    ]);
    // One at a time, so that positions follow this order.
    const t0 = Date.parse('2026-11-01T09:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    const steps: [string | null, Parameters<AuditFixture['entry']>[2], string][] = [
      [
        client.id,
        { action: 'content.read', actorId: pro.id, resource: 'content.diary', basis: 'caseload_assignment' },
        at(0),
      ],
      [
        client.id,
        { action: 'content.write', actorId: client.id, actorRole: 'client', resource: 'content.diary' },
        at(1),
      ],
      [
        client.id,
        {
          action: 'messaging.read',
          actorId: colleague.id,
          resource: 'messaging.conversation',
          basis: 'colleague_link',
        },
        at(2),
      ],
      [
        client.id,
        {
          action: 'caseload.read',
          actorId: staffId,
          actorRole: 'platform_staff',
          grantId,
          // The org admin who approved the grant: the responsible user.
          responsibleUserId: admin.id,
        },
        at(3),
      ],
      [
        client.id,
        { action: 'content.read', actorId: pro.id, outcome: 'failure', resource: 'content.diary' },
        at(4),
      ],
      [other.id, { action: 'content.read', actorId: pro.id, resource: 'content.diary' }, at(5)],
      [
        client.id,
        { action: 'content.share_open', actorId: null, actorRole: null, resource: 'content.report' },
        at(6),
      ],
    ];
    for (const [i, [subject, payload, occurredAt]] of steps.entries()) {
      await fx.entry(tenantId, subject, payload, { occurredAt });
      await fx.records(tenantId, i + 1);
    }
  });
  afterAll(() => fx?.stop());

  it('the contact history is ordered by when the access happened, not by when audit received it; paging follows that order', async () => {
    const [late] = await fx.announce(tenantId, [{ role: 'client', name: 'Lotte Late' }]);
    const t0 = Date.parse('2026-11-02T09:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    // Received in this order (positions ascending), happened in another.
    const arrivals = [3, 0, 4, 1, 2];
    const before = (
      await fx.db.query(`SELECT count(*)::int AS n FROM ${fx.schema}.audit_record WHERE tenant_id = $1`, [
        tenantId,
      ])
    )[0].n as number;
    for (const [i, minute] of arrivals.entries()) {
      await fx.entry(
        tenantId,
        late.id,
        { action: 'content.read', actorId: pro.id, resource: 'content.diary', basis: 'caseload_assignment' },
        { occurredAt: at(minute) },
      );
      await fx.records(tenantId, before + i + 1);
    }
    const all = await fx.as(late).get('/audit/me/contact-history').expect(200);
    expect(all.body.items.map((i: { at: string }) => i.at)).toEqual(
      [4, 3, 2, 1, 0].map(at).map((s) => new Date(s).toISOString()),
    );
    const first = await fx.as(late).get('/audit/me/contact-history?limit=2').expect(200);
    const second = await fx
      .as(late)
      .get(`/audit/me/contact-history?limit=2&before=${first.body.nextBefore}`)
      .expect(200);
    const third = await fx
      .as(late)
      .get(`/audit/me/contact-history?limit=2&before=${second.body.nextBefore}`)
      .expect(200);
    expect(
      [...first.body.items, ...second.body.items, ...third.body.items].map((i: { at: string }) => i.at),
    ).toEqual(all.body.items.map((i: { at: string }) => i.at));
    expect(third.body.nextBefore).toBeNull();
  });

  it('a client sees who accessed their record, newest first, without their own actions; outsiders marked, staff as platform support', async () => {
    const res = await fx.as(client).get('/audit/me/contact-history').expect(200);
    expect(res.body.items).toEqual([
      {
        // Opened by whoever holds the client's share link: no name, but outside the care team.
        at: '2026-11-01T09:06:00.000Z',
        action: 'content.share_open',
        data: 'content.report',
        sensitivity: 'health',
        basis: 'shared_report',
        outsideCareTeam: true,
        by: { name: null, role: null },
      },
      {
        at: '2026-11-01T09:03:00.000Z',
        action: 'caseload.read',
        data: 'caseload.entry',
        sensitivity: 'personal',
        basis: 'staff_grant',
        outsideCareTeam: true,
        by: { name: 'platform support', role: 'platform_staff' },
      },
      {
        at: '2026-11-01T09:02:00.000Z',
        action: 'messaging.read',
        data: 'messaging.conversation',
        sensitivity: 'health',
        basis: 'colleague_link',
        outsideCareTeam: true,
        by: { name: 'Cees Colleague', role: 'professional' },
      },
      {
        at: '2026-11-01T09:00:00.000Z',
        action: 'content.read',
        data: 'content.diary',
        sensitivity: 'health',
        basis: 'caseload_assignment',
        outsideCareTeam: false,
        by: { name: 'Petra Pro', role: 'professional' },
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(staffId);
    // Nor who approved the staff member's grant, nor the grant.
    expect(JSON.stringify(res.body)).not.toContain(admin.id);
    expect(JSON.stringify(res.body)).not.toContain(grantId);
    // Paging (cursor) and the period filter.
    const first = await fx.as(client).get('/audit/me/contact-history?limit=3').expect(200);
    expect(first.body.items).toHaveLength(3);
    const second = await fx
      .as(client)
      .get(`/audit/me/contact-history?limit=3&before=${first.body.nextBefore}`)
      .expect(200);
    expect(second.body.items.map((i: { at: string }) => i.at)).toEqual(['2026-11-01T09:00:00.000Z']);
    const period = await fx
      .as(client)
      .get('/audit/me/contact-history?from=2026-11-01T09:01:00Z&to=2026-11-01T09:03:00Z')
      .expect(200);
    expect(period.body.items.map((i: { action: string }) => i.action)).toEqual(['messaging.read']);
    // Reading it is itself in the log (by the client, about themself: not in their own history).
    await expectEventually(async () =>
      expect(
        await fx.db.query(
          `SELECT 1 FROM ${fx.schema}.audit_record WHERE tenant_id = $1 AND action = 'audit.read'`,
          [tenantId],
        ),
      ).not.toHaveLength(0),
    );
  });

  it('bad input is a 400 with field errors; only clients have a contact history, only org admins search', async () => {
    const bad = await fx.as(client).get('/audit/me/contact-history?limit=5000&from=yesterday').expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'limit']);
    await fx.as(client).get('/audit/me/contact-history?sort=name').expect(400);
    await fx.as(pro).get('/audit/me/contact-history').expect(403);
    await fx.as(pro).get('/audit/records').expect(403);
    await fx.as(client).get('/audit/records.csv').expect(403);
    await fx.as(admin).get('/audit/records?action=made.up').expect(400);
  });

  it('an org admin searches by client, user, action, outcome and period, and exports CSV; both audited', async () => {
    const byClient = await fx.as(admin).get(`/audit/records?clientId=${client.id}&limit=100`).expect(200);
    expect(byClient.body.items.every((i: { subjectId: string }) => i.subjectId === client.id)).toBe(true);
    expect(byClient.body.items.length).toBeGreaterThanOrEqual(6);
    const refused = await fx.as(admin).get(`/audit/records?userId=${pro.id}&outcome=failure`).expect(200);
    expect(refused.body.items).toEqual([
      expect.objectContaining({
        action: 'content.read',
        outcome: 'failure',
        actorId: pro.id,
        subjectId: client.id,
      }),
    ]);
    // Staff under a grant: the org admin sees whose approval they acted on (the client sees "platform support").
    const byStaff = await fx.as(admin).get(`/audit/records?userId=${staffId}`).expect(200);
    expect(byStaff.body.items).toEqual([
      expect.objectContaining({
        action: 'caseload.read',
        actorId: staffId,
        actorRole: 'platform_staff',
        responsibleUserId: admin.id,
        grantId,
        basis: 'staff_grant',
        subjectId: client.id,
      }),
    ]);
    const period = await fx
      .as(admin)
      .get('/audit/records?action=content.read&from=2026-11-01T09:04:30Z&to=2026-11-01T10:00:00Z')
      .expect(200);
    expect(period.body.items.map((i: { subjectId: string }) => i.subjectId)).toEqual([other.id]);

    const csv = await fx
      .as(admin)
      .get(`/audit/records.csv?clientId=${client.id}&action=messaging.read`)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'position,occurredAt,action,outcome,reason,actorId,actorRole,responsibleUserId,grantId,subjectId,objectType,objectId,sensitivity,basis,sourceService,sourceAddress,requestId',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(colleague.id);

    await expectEventually(async () => {
      const reads = await fx.db.query<{ action: string }>(
        `SELECT action FROM ${fx.schema}.audit_record WHERE tenant_id = $1 AND action IN ('audit.read', 'audit.export')
           AND actor_role = 'org_admin'`,
        [tenantId],
      );
      expect(reads.filter((r) => r.action === 'audit.export')).toHaveLength(1);
      expect(reads.filter((r) => r.action === 'audit.read').length).toBeGreaterThanOrEqual(3);
    });
  });

  it('access from outside the care team makes a mail due for the client at most once a day', async () => {
    const notices = () =>
      fx.events(auditOutsideAccessNoticeDueV1.topic).filter((e) => e.payload.recipientId === client.id);
    // A colleague link, staff and a share link in the setup: one notice, none for the other client.
    await expectEventually(() => expect(notices()).toHaveLength(1));
    expect(notices()[0]).toMatchObject({
      tenantId,
      subjectId: client.id,
      payload: { recipientId: client.id },
    });
    const clock = fx.service.app.get(AuditClock);
    const real = clock.now.bind(clock);
    clock.now = () => new Date(real().getTime() + 25 * 60 * 60 * 1000);
    try {
      await fx.entry(tenantId, client.id, {
        action: 'content.read',
        actorId: colleague.id,
        resource: 'content.diary',
        basis: 'colleague_link',
      });
      // A day later: the next one. Same partition (keyed by recipient): a third would have come before it.
      await expectEventually(() => expect(notices()).toHaveLength(2));
    } finally {
      clock.now = real;
    }
    expect(
      fx.events(auditOutsideAccessNoticeDueV1.topic).filter((e) => e.payload.recipientId === other.id),
    ).toEqual([]);
  });
});
