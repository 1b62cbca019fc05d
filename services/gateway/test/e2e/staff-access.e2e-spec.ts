import request from 'supertest';
import {
  auditEntryRecordedV1,
  identityStaffGrantEndedV1,
  type AuditEntryRecordedV1,
  type EventEnvelope,
  type IdentityStaffGrantEndedV1,
} from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  sessionCookieOf,
  startStack,
  type TestStack,
  type TestStaff,
  type TestTenant,
} from '@therapy-room/testing';

const REASON = 'Ticket 4711: the practice reports a broken invitation flow.';

describe('gateway e2e: platform staff access grants (none → 403, approved → 200, ended → session over)', () => {
  let stack: TestStack;
  let org: TestTenant;
  let otherOrg: TestTenant;
  let staff: TestStaff;
  let staffCookie: string;
  let adminCookie: string;
  let otherAdminCookie: string;
  let audit: Awaited<ReturnType<typeof collectTopics>>;
  let ended: Awaited<ReturnType<typeof collectTopics>>;

  const api = () => request(stack.gatewayUrl);
  const requestGrant = (body: object = { tenantSlug: org.slug, reason: REASON, durationMinutes: 60 }) =>
    api().post('/api/staff-access/grants').set('cookie', staffCookie).send(body);
  const decide = (id: string, decision: 'approve' | 'deny' | 'revoke', cookie = adminCookie) =>
    api().post(`/api/staff-access/grants/${id}/${decision}`).set('cookie', cookie);
  /** Chooses a grant; on success the session was replaced (privilege change) and the cookie with it. */
  const use = async (id: string) => {
    const res = await api().post(`/api/staff-access/grants/${id}/use`).set('cookie', staffCookie);
    if (res.status === 200) {
      const replaced = sessionCookieOf(res.headers['set-cookie']);
      expect(replaced).toBeDefined();
      expect(replaced).not.toBe(staffCookie);
      expect(JSON.stringify(res.body)).not.toContain(replaced!.split('=')[1]);
      staffCookie = replaced!;
    }
    return res;
  };
  const listUsers = () => api().get('/api/users').set('cookie', staffCookie);
  const expectStaffAccessRequired = (res: request.Response) => {
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      status: 403,
      code: 'STAFF_ACCESS_REQUIRED',
      detail: 'Platform staff need an approved access grant for this organisation.',
    });
  };
  /** An approved grant of `org`, in use by the staff session. */
  const activeGrant = async (): Promise<string> => {
    const { body } = await requestGrant().expect(201);
    await decide(body.id, 'approve').expect(200);
    expect((await use(body.id)).status).toBe(200);
    return body.id as string;
  };

  const auditEntries = () =>
    audit.messages.map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<AuditEntryRecordedV1>);
  const endedEvents = (grantId: string) =>
    ended.messages
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<IdentityStaffGrantEndedV1>)
      .filter((e) => e.payload.grantId === grantId);
  /** The staff session is over (identity refuses a session whose grant ended): log in again, no grant. */
  const expectSessionEnded = async () => {
    await listUsers().expect(401);
    staffCookie = (await stack.loginAs(staff)).cookie;
  };

  beforeAll(async () => {
    // Sessions stay in the gateway's cache for 60 s here: access that ends within the test's 20 s
    // ended because identity's event reached the gateway, not because the cache forgot the session.
    stack = await startStack({ SESSION_CACHE_TTL_SECONDS: '60', STAFF_GRANT_SWEEP_SECONDS: '1' });
    audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
    ended = await collectTopics([`${stack.prefix}${identityStaffGrantEndedV1.topic}`]);
    const operator = await stack.createTenant({ operator: true });
    [org, otherOrg] = [await stack.createTenant(), await stack.createTenant()];
    staff = await stack.createStaff(operator);
    // 2FA is mandatory for platform staff: the first login enrols their authenticator.
    const staffLogin = await stack.loginAs(staff);
    expect(staffLogin.passwordStep).toBe('enrol');
    staffCookie = staffLogin.cookie;
    adminCookie = (await stack.loginAs(org)).cookie;
    otherAdminCookie = (await stack.loginAs(otherOrg)).cookie;
  });
  afterAll(async () => {
    await ended?.stop();
    await audit?.stop();
    await stack?.stop();
  });

  it('refuses staff without a grant on organisation routes, but shows them their own account', async () => {
    expectStaffAccessRequired(await listUsers());
    expectStaffAccessRequired(
      await api().post('/api/users').set('cookie', staffCookie).send({ email: 'x@example.org' }),
    );
    const me = await api().get('/api/me').set('cookie', staffCookie).expect(200);
    expect(me.body).toMatchObject({ id: staff.userId, role: 'platform_staff' });
    // Only platform staff request grants.
    await api()
      .post('/api/staff-access/grants')
      .set('cookie', adminCookie)
      .send({ tenantSlug: otherOrg.slug, reason: REASON, durationMinutes: 60 })
      .expect(403);
  });

  it('validates a grant request: reason 20..500 characters, 15..480 minutes, no unknown fields', async () => {
    const bad = await requestGrant({ tenantSlug: org.slug, reason: 'too short', durationMinutes: 5, x: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      expect.arrayContaining(['durationMinutes', 'reason']),
    );
    await requestGrant({ tenantSlug: org.slug, reason: 'x'.repeat(501), durationMinutes: 481 }).expect(400);
    await requestGrant({ tenantSlug: 'no-such-org', reason: REASON, durationMinutes: 60 }).expect(404);
  });

  it('gives access only after an org admin of that organisation approves, and the grant is used', async () => {
    const requested = await requestGrant().expect(201);
    expect(requested.body).toMatchObject({
      tenantId: org.tenantId,
      requesterId: staff.userId,
      status: 'requested',
      active: false,
      validFrom: null,
    });
    const id = requested.body.id as string;
    expectStaffAccessRequired(await use(id));
    expectStaffAccessRequired(await listUsers());

    // Another organisation's admin does not see it, and cannot decide on it.
    await decide(id, 'approve', otherAdminCookie).expect(404);
    const otherList = await api()
      .get('/api/staff-access/grants?status=requested')
      .set('cookie', otherAdminCookie)
      .expect(200);
    expect(otherList.body.items.map((g: { id: string }) => g.id)).not.toContain(id);
    // Staff cannot approve (their own, or any) grant.
    await decide(id, 'approve', staffCookie).expect(403);

    const pending = await api()
      .get('/api/staff-access/grants?status=requested')
      .set('cookie', adminCookie)
      .expect(200);
    expect(pending.body.items).toEqual([
      expect.objectContaining({ id, reason: REASON, status: 'requested' }),
    ]);
    const approved = await decide(id, 'approve').expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', active: true });
    expect(Date.parse(approved.body.validUntil) - Date.parse(approved.body.validFrom)).toBe(60 * 60_000);
    await decide(id, 'approve').expect(409);

    // Approved but not chosen for the session yet: still refused.
    expectStaffAccessRequired(await listUsers());
    const before = staffCookie;
    expect((await use(id)).status).toBe(200);
    // The session seen before the change is over: only the new one acts under the grant.
    await api().get('/api/me').set('cookie', before).expect(401);
    const users = await listUsers().expect(200);
    expect(users.body.items).toEqual(
      expect.arrayContaining([{ id: org.adminId, role: 'org_admin', status: 'active' }]),
    );
    expect(JSON.stringify(users.body)).not.toContain(org.adminEmail);
    // Read-only: staff under a grant are not the organisation's administrators.
    await api()
      .post('/api/users')
      .set('cookie', staffCookie)
      .send({ email: 'new@example.org', displayName: 'New', role: 'client' })
      .expect(403);
    const me = await api().get('/api/me').set('cookie', staffCookie).expect(200);
    expect(me.body).toMatchObject({ id: staff.userId, role: 'platform_staff' });

    // Expiry ends access: identity's sweep announces it (identity.staff-grant.ended.v1, once) and the
    // gateway drops the cached session at once; identity refuses the session from then on.
    await stack.db.query(
      `UPDATE identity.staff_access_grant
          SET valid_from = now() - interval '2 hours', valid_until = now() - interval '1 minute'
        WHERE id = $1`,
      [id],
    );
    await expectEventually(async () => expect((await listUsers()).status).toBe(401));
    await expectEventually(() =>
      expect(endedEvents(id)).toEqual([
        expect.objectContaining({
          tenantId: org.tenantId,
          subjectId: staff.userId,
          payload: { grantId: id, staffUserId: staff.userId, reason: 'expired' },
        }),
      ]),
    );
    await expectSessionEnded();
    expectStaffAccessRequired(await use(id));
    await decide(id, 'revoke').expect(409);
  });

  it('ends access at once when the org admin revokes the grant early (not when the cache expires)', async () => {
    const id = await activeGrant();
    // Cached in the gateway now, for 60 s.
    await listUsers().expect(200);
    await listUsers().expect(200);
    await decide(id, 'revoke', otherAdminCookie).expect(404);
    const revoked = await decide(id, 'revoke').expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', active: false });
    await expectEventually(async () => expect((await listUsers()).status).toBe(401));
    await expectEventually(() =>
      expect(endedEvents(id)).toEqual([
        expect.objectContaining({ payload: { grantId: id, staffUserId: staff.userId, reason: 'revoked' } }),
      ]),
    );
    await expectSessionEnded();
    expectStaffAccessRequired(await listUsers());
  });

  it('audits every request made under a grant, one entry each, before it is forwarded', async () => {
    const id = await activeGrant();
    const answers = [
      await listUsers().expect(200),
      await listUsers().expect(200),
      await api().get('/api/me?x=secret-query').set('cookie', staffCookie).expect(200),
      // Refused by identity (staff under a grant are not administrators): still a request under the grant.
      await api()
        .post('/api/users')
        .set('cookie', staffCookie)
        .send({ email: 'new@example.org', displayName: 'New', role: 'client' })
        .expect(403),
    ];
    const requestIds = answers.map((a) => a.headers['x-request-id'] as string);
    expect(new Set(requestIds).size).toBe(4);
    const ours = await expectEventually(() => {
      const acts = auditEntries().filter(
        (e) => e.payload.action === 'staff_access.act' && requestIds.includes(e.payload.requestId),
      );
      expect(acts).toHaveLength(4);
      return acts;
    });
    for (const [i, requestId] of requestIds.entries()) {
      const entries = ours.filter((e) => e.payload.requestId === requestId);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        tenantId: org.tenantId,
        payload: {
          outcome: 'success',
          actorId: staff.userId,
          actorRole: 'platform_staff',
          resource: 'api.request',
          resourceId: ['GET /api/users', 'GET /api/users', 'GET /api/me', 'POST /api/users'][i],
          basis: 'staff_grant',
          grantId: id,
          // NEN 7513's responsible user: the org admin who approved the grant (identity → token → entry).
          responsibleUserId: org.adminId,
        },
      });
    }
    expect(JSON.stringify(ours)).not.toContain('secret-query');
    await decide(id, 'revoke').expect(200);
    await expectEventually(async () => expect((await listUsers()).status).toBe(401));
    await expectSessionEnded();
  });

  it('never gives access through a denied grant', async () => {
    const { body } = await requestGrant().expect(201);
    const denied = await decide(body.id, 'deny').expect(200);
    expect(denied.body).toMatchObject({ status: 'denied', active: false });
    expectStaffAccessRequired(await use(body.id));
    const mine = await api().get('/api/staff-access/grants').set('cookie', staffCookie).expect(200);
    expect(mine.body.items.map((g: { id: string }) => g.id)).toContain(body.id);
  });

  it('audits every request, decision and use, in the organisation the grant is for', async () => {
    await expectEventually(() => {
      const entries = audit.messages
        .map((m) => JSON.parse(m.value!.toString()))
        // (Requests made under a grant, staff_access.act, are the test above's.)
        .filter(
          (e) => e.payload.action.startsWith('staff_access.') && e.payload.action !== 'staff_access.act',
        );
      const actions = new Set(entries.map((e) => e.payload.action));
      for (const action of ['request', 'approve', 'deny', 'revoke', 'use']) {
        expect(actions).toContain(`staff_access.${action}`);
      }
      for (const entry of entries) {
        expect(entry.tenantId).toBe(org.tenantId);
        expect(entry.payload).toMatchObject({ outcome: 'success', resource: 'staff_access_grant' });
      }
      const use = entries.find((e) => e.payload.action === 'staff_access.use');
      expect(use.payload).toMatchObject({ actorId: staff.userId, actorRole: 'platform_staff' });
      const approve = entries.find((e) => e.payload.action === 'staff_access.approve');
      expect(approve.payload).toMatchObject({ actorId: org.adminId, actorRole: 'org_admin' });
    });
  });
});
