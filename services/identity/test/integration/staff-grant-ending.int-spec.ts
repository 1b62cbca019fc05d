import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import {
  auditEntryRecordedV1,
  identityStaffGrantEndedV1,
  type AuditEntryRecordedV1,
  type EventEnvelope,
  type IdentityStaffGrantEndedV1,
} from '@therapy-room/contracts';
import type { Actor } from '@therapy-room/auth';
import { requestContext } from '@therapy-room/platform';
import {
  collectTopics,
  expectEventually,
  startInProcessService,
  uniqueName,
  type InProcessService,
  gatewayCredential,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { Clock } from '@therapy-room/platform';
import { TenantsService } from '../../src/tenants/tenants.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';
import { SessionStartService } from '../../src/sessions/session-start.service';
import { StaffAccessService } from '../../src/staff-access/staff-access.service';
import { StaffAccountsService } from '../../src/staff-access/staff-accounts.service';
import { StaffGrantEndingService } from '../../src/staff-access/staff-grant-ending.service';
import { accountKey } from '../../src/sessions/policies/login-throttle.policy';

const PASSWORD = 'Correct-Horse-Battery-9!';
const REASON = 'Ticket 4711: the practice reports a broken invitation flow.';

describe('staff access grants end once, and their sessions with them (identity, real PostgreSQL and Kafka, injected clock)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let ended: Awaited<ReturnType<typeof collectTopics>>;
  let now = Date.now();
  const advance = (minutes: number) => (now += minutes * 60_000);

  const expiryAudits = (grantId: string) =>
    ended.messages
      .filter((m) => m.topic.endsWith(auditEntryRecordedV1.topic))
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<AuditEntryRecordedV1>)
      .filter((e) => e.payload.action === 'staff_access.expire' && e.payload.resourceId === grantId);
  const endedEvents = (grantId: string) =>
    ended.messages
      .filter((m) => m.topic.endsWith(identityStaffGrantEndedV1.topic))
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<IdentityStaffGrantEndedV1>)
      .filter((e) => e.payload.grantId === grantId);
  /** Service calls as a request would make them (audit entries need its id and address). */
  const inRequest = <T>(fn: () => Promise<T>): Promise<T> =>
    requestContext.run({ requestId: `test-${randomUUID()}`, sourceAddress: '192.0.2.1' }, fn);
  const resolves = async (token: string) =>
    (
      await request(identity.url)
        .post('/sessions/resolve')
        .set('authorization', gatewayCredential('POST', '/sessions/resolve'))
        .send({ token })
    ).status;

  async function createTenant(operator = false) {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const created = await app
      .get(TenantsService)
      .createWithAdmin(
        createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin, operator }),
      );
    const adminActor: Actor = {
      userId: created.adminId,
      tenantId: created.tenantId,
      roles: ['org_admin'],
      region: 'eea',
      sessionId: randomUUID(),
    };
    return { slug, ...created, adminActor };
  }

  /** A staff session acting under a fresh, approved grant of `org` (the password and 2FA steps are other tests'). */
  function staffUnderGrant(org: Awaited<ReturnType<typeof createTenant>>, durationMinutes = 30) {
    return inRequest(() => staffUnderGrantInRequest(org, durationMinutes));
  }
  async function staffUnderGrantInRequest(
    org: Awaited<ReturnType<typeof createTenant>>,
    durationMinutes: number,
  ) {
    const operator = await createTenant(true);
    const staff = await app.get(StaffAccountsService).createStaff({
      tenantSlug: operator.slug,
      email: `${uniqueName('staff')}@operator.example`,
      displayName: 'Staff',
      password: PASSWORD,
    });
    const user = { id: staff.userId, role: 'platform_staff' as const, tenantId: staff.tenantId };
    const login = await app.get(SessionStartService).startSession(
      user,
      {
        accountKey: accountKey({ tenantId: staff.tenantId }, 'x'),
        address: '192.0.2.1',
        tenantId: staff.tenantId,
      },
      'auth.login',
    );
    const staffActor = (
      await request(identity.url)
        .post('/sessions/resolve')
        .set('authorization', gatewayCredential('POST', '/sessions/resolve'))
        .send({ token: login.token })
        .expect(200)
    ).body as Actor;
    const grants = app.get(StaffAccessService);
    const grant = await grants.request(staffActor, { tenantSlug: org.slug, reason: REASON, durationMinutes });
    await grants.approve(org.adminActor, grant.id);
    const used = await grants.use(staffActor, grant.id);
    const acting = (
      await request(identity.url)
        .post('/sessions/resolve')
        .set('authorization', gatewayCredential('POST', '/sessions/resolve'))
        .send({ token: used.token })
        .expect(200)
    ).body as Actor;
    expect(acting).toMatchObject({ tenantId: org.tenantId, grantId: grant.id });
    return { grantId: grant.id, token: used.token, staffId: staff.userId };
  }

  beforeAll(async () => {
    // The sweep runs only when the test calls it; sessions outlive the clock's jumps.
    identity = await startInProcessService(AppModule, 'identity', {
      consume: false,
      env: { STAFF_GRANT_SWEEP_SECONDS: '300', SESSION_IDLE_TIMEOUT_SECONDS: '7200' },
    });
    app = identity.app;
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
    ended = await collectTopics([
      `${identity.prefix}${identityStaffGrantEndedV1.topic}`,
      `${identity.prefix}${auditEntryRecordedV1.topic}`,
    ]);
  });
  afterAll(async () => {
    await ended?.stop();
    await identity?.stop();
  });

  it('announces an expired grant exactly once, however many sweeps run, and refuses its session from then on', async () => {
    const org = await createTenant();
    const { grantId, token, staffId } = await staffUnderGrant(org, 30);
    const sweeper = app.get(StaffGrantEndingService);

    advance(29);
    expect(await sweeper.sweep()).toBe(0);
    expect(await resolves(token)).toBe(200);

    advance(2);
    // Concurrent sweeps (two replicas), then another one later.
    const counts = await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    advance(5);
    expect(await sweeper.sweep()).toBe(0);

    await expectEventually(() =>
      expect(endedEvents(grantId)).toEqual([
        expect.objectContaining({
          tenantId: org.tenantId,
          subjectId: staffId,
          payload: { grantId, staffUserId: staffId, reason: 'expired' },
        }),
      ]),
    );
    // Everything the sweeps wrote has been published: one event, no second one on its way.
    await expectEventually(async () => {
      const [row] = await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM outbox WHERE topic = $1`, [identityStaffGrantEndedV1.topic]);
      expect(row.n).toBe(0);
    });
    expect(endedEvents(grantId)).toHaveLength(1);
    // In the organisation's audit trail too, once.
    await expectEventually(() =>
      expect(expiryAudits(grantId)).toEqual([
        expect.objectContaining({
          tenantId: org.tenantId,
          subjectId: staffId,
          payload: expect.objectContaining({ outcome: 'success', actorId: null, sourceAddress: '::' }),
        }),
      ]),
    );
    // The session made for the grant is over: never a fallback to the staff member's own tenant.
    expect(await resolves(token)).toBe(401);
  });

  it('announces a revoked grant once (the revocation is its end; the sweep does not repeat it) and revokes its sessions', async () => {
    const org = await createTenant();
    const { grantId, token, staffId } = await staffUnderGrant(org, 30);
    await inRequest(() => app.get(StaffAccessService).revoke(org.adminActor, grantId));
    expect(await resolves(token)).toBe(401);
    const [session] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM session WHERE grant_id = $1 AND revoked_at IS NULL`, [grantId]);
    expect(session.n).toBe(0);

    advance(60);
    await app.get(StaffGrantEndingService).sweep();
    await expectEventually(() =>
      expect(endedEvents(grantId)).toEqual([
        expect.objectContaining({ payload: { grantId, staffUserId: staffId, reason: 'revoked' } }),
      ]),
    );
    await expectEventually(async () => {
      const [row] = await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM outbox WHERE topic = $1`, [identityStaffGrantEndedV1.topic]);
      expect(row.n).toBe(0);
    });
    expect(endedEvents(grantId)).toHaveLength(1);
    // A revocation is audited as staff_access.revoke (by the admin), never as an expiry.
    expect(expiryAudits(grantId)).toEqual([]);
  });

  it('refuses a grant session once the grant has run out, even before any sweep announced it', async () => {
    const org = await createTenant();
    const { token } = await staffUnderGrant(org, 15);
    advance(16);
    expect(await resolves(token)).toBe(401);
  });
});
