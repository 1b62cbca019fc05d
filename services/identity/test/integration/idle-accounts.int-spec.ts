import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import {
  auditEntryRecordedV1,
  identityUserDeactivatedV2,
  retentionPolicyChangedV1,
  type AuditEntryRecordedV1,
  type EventEnvelope,
  type IdentityUserDeactivatedV2,
} from '@therapy-room/contracts';
import { randomUUID } from 'node:crypto';
import type { Actor } from '@therapy-room/auth';
import { Clock, requestContext } from '@therapy-room/platform';
import {
  collectTopics,
  expectEventually,
  gatewayCredential,
  publishEvent,
  startInProcessService,
  startSmtpSink,
  uniqueName,
  type InProcessService,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { PasswordHasher } from '../../src/common/password-hasher';
import { IDLE_WARNING_SUBJECT, IdleSweepService } from '../../src/idle-accounts/idle-sweep.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { UserLifecycleService } from '../../src/users/user-lifecycle.service';

const PASSWORD = 'Correct-Horse-Battery-9!';
const DAY = 24 * 60 * 60 * 1000;

describe('idle accounts: warned a week before, deactivated after the organisation’s days (identity, real PostgreSQL, Kafka and SMTP, injected clock)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let events: Awaited<ReturnType<typeof collectTopics>>;
  let now = Date.now();
  const advance = (days: number, minutes = 0) => (now += days * DAY + minutes * 60_000);
  const sweep = () => app.get(IdleSweepService).sweep();

  type Org = Awaited<ReturnType<typeof createOrg>>;
  async function createOrg() {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const created = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Clinic ${slug}`, region: 'eea', admin }));
    return { slug, name: `Clinic ${slug}`, adminEmail: admin.email, ...created };
  }
  async function person(org: Org, role: 'client' | 'professional', displayName: string) {
    const email = `${uniqueName(role)}@example.org`;
    const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
    const id = await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId: org.tenantId,
        email,
        displayName,
        role,
        status: 'active',
        passwordHash,
      }),
    );
    return { id, email, displayName };
  }
  /** What retention's policy says (its org admins set it there); identity's copy applied in the event's transaction. */
  const rule = async (tenantId: string) =>
    (
      await app
        .get(DataSource)
        .query<
          { days: number | null; since: Date | null }[]
        >(`SELECT idle_deactivation_days AS days, idle_deactivation_since AS since FROM identity.tenant WHERE id = $1`, [tenantId])
    )[0];
  async function setRule(org: Org, idleDays: number | null) {
    const event = await publishEvent(
      identity.prefix,
      retentionPolicyChangedV1,
      { idleDays },
      { tenantId: org.tenantId },
    );
    await expectEventually(async () =>
      expect(
        await app.get(DataSource).query(`SELECT 1 FROM identity.inbox WHERE event_id = $1`, [event.id]),
      ).toHaveLength(1),
    );
    return event;
  }
  const login = (org: Org, email: string) =>
    request(identity.url)
      .post('/auth/login')
      .set('authorization', gatewayCredential('POST', '/auth/login'))
      .set('x-client-address', '192.0.2.7')
      .send({ organisation: org.slug, email, password: PASSWORD });
  const warnings = (email: string) => smtp.to(email).filter((m) => m.subject === IDLE_WARNING_SUBJECT);
  const status = async (id: string) =>
    (
      await app
        .get(DataSource)
        .query<{ status: string }[]>(`SELECT status FROM identity.user_account WHERE id = $1`, [id])
    )[0].status;
  const warnedAt = async (id: string) =>
    (
      await app
        .get(DataSource)
        .query<
          { at: Date | null }[]
        >(`SELECT idle_warned_at AS at FROM identity.user_account WHERE id = $1`, [id])
    )[0].at;
  const parsed = <T>(topic: string) =>
    events.messages
      .filter((m) => m.topic.endsWith(topic))
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<T>);
  const deactivations = (userId: string) =>
    parsed<IdentityUserDeactivatedV2>(identityUserDeactivatedV2.topic).filter(
      (e) => e.payload.userId === userId,
    );
  const audits = (tenantId: string, action: string) =>
    parsed<AuditEntryRecordedV1>(auditEntryRecordedV1.topic).filter(
      (e) => e.tenantId === tenantId && e.payload.action === action,
    );

  beforeAll(async () => {
    smtp = await startSmtpSink();
    // The sweep runs only when the test calls it; sessions outlive the clock's jumps. Consuming:
    // retention's policy events set the rule.
    identity = await startInProcessService(AppModule, 'identity', {
      env: { SMTP_URL: smtp.url, IDLE_SWEEP_SECONDS: '86400', SESSION_IDLE_TIMEOUT_SECONDS: '7200' },
    });
    app = identity.app;
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
    events = await collectTopics([
      `${identity.prefix}${identityUserDeactivatedV2.topic}`,
      `${identity.prefix}${auditEntryRecordedV1.topic}`,
    ]);
  });
  afterAll(async () => {
    await events?.stop();
    await identity?.stop();
    await smtp?.stop();
  });

  it("is off by default; follows retention's policy (turned on, days changed, off), and applies a redelivered event once", async () => {
    const org = await createOrg();
    expect(await rule(org.tenantId)).toEqual({ days: null, since: null });
    const on = await setRule(org, 60);
    expect(await rule(org.tenantId)).toEqual({ days: 60, since: new Date(now) });
    const turnedOnAt = now;
    advance(1);
    // Changing the days keeps the date it was turned on (and a redelivery of the first event is a no-op).
    await setRule(org, 90);
    await publishEvent(identity.prefix, retentionPolicyChangedV1, on.payload, {
      tenantId: org.tenantId,
      id: on.id,
    });
    await setRule(org, 90);
    expect(await rule(org.tenantId)).toEqual({ days: 90, since: new Date(turnedOnAt) });
    await setRule(org, null);
    expect(await rule(org.tenantId)).toEqual({ days: null, since: null });
  });

  it('warns a week before the days are up, deactivates when they are (v2 reason idle, audited), and a sign-in after the warning starts the count again', async () => {
    const org = await createOrg();
    const quiet = await person(org, 'client', 'Quinn Quiet');
    const back = await person(org, 'client', 'Bea Back');
    const pro = await person(org, 'professional', 'Pim Pro');
    const elsewhere = await createOrg();
    const untouched = await person(elsewhere, 'client', 'Olga Off');
    await setRule(org, 30);

    advance(22, 24 * 60 - 1);
    await sweep();
    for (const who of [quiet, back, pro]) expect(await warnedAt(who.id)).toBe(null);
    advance(0, 1);
    await sweep();
    const warnedOn = new Date(now);
    for (const who of [quiet, back, pro]) expect(await warnedAt(who.id)).toEqual(warnedOn);
    // Again the same day: nothing more (each warning once).
    advance(0, 10);
    await sweep();
    for (const who of [quiet, back, pro]) expect(await warnedAt(who.id)).toEqual(warnedOn);
    for (const who of [quiet, back, pro]) {
      const [mail] = await expectEventually(() => {
        const sent = warnings(who.email);
        expect(sent).toHaveLength(1);
        return sent;
      });
      // A greeting and what happens when: no name, no organisation, no address in the text.
      expect(mail.raw).toContain(
        `deactivated on ${new Date(warnedOn.getTime() + 7 * DAY).toISOString().slice(0, 10)}`,
      );
      expect(mail.raw).not.toContain(who.displayName);
      expect(mail.raw).not.toContain(org.name);
      expect(mail.raw).not.toContain(org.slug);
    }
    // Org admins are exempt; another organisation's accounts (rule off) are not looked at.
    expect(await warnedAt(org.adminId)).toBe(null);
    expect(await warnedAt(untouched.id)).toBe(null);

    advance(2);
    expect((await login(org, back.email).expect(200)).body.token).toBeDefined();
    expect(await warnedAt(back.id)).toBe(null);

    advance(4, 24 * 60 - 11);
    await sweep();
    expect(await status(quiet.id)).toBe('active');
    advance(0, 1);
    await sweep();
    expect(await status(quiet.id)).toBe('deactivated');
    expect(await status(pro.id)).toBe('deactivated');
    expect(await status(back.id)).toBe('active');
    expect(await status(untouched.id)).toBe('active');
    expect(await status(org.adminId)).toBe('active');
    expect((await login(org, quiet.email)).status).not.toBe(200);
    await expectEventually(() => {
      expect(deactivations(quiet.id).map((e) => e.payload)).toEqual([
        { userId: quiet.id, byUserId: null, reason: 'idle' },
      ]);
      expect(
        audits(org.tenantId, 'user.deactivate')
          .map((e) => e.payload.resourceId)
          .sort(),
      ).toEqual([quiet.id, pro.id].sort());
    });
    expect(audits(org.tenantId, 'user.deactivate')[0].payload).toMatchObject({
      outcome: 'success',
      actorId: null,
      reason: 'idle',
      basis: 'system',
    });
    expect(deactivations(back.id)).toEqual([]);

    // The one who signed in (25 days and 10 minutes after the rule began) is warned again 23 days after
    // that sign-in, not before.
    advance(15);
    await sweep();
    expect(await warnedAt(back.id)).toBe(null);
    advance(3, 10);
    await sweep();
    expect(await warnedAt(back.id)).not.toBe(null);
    await expectEventually(() => expect(warnings(back.email)).toHaveLength(2));
  });

  it('never shortens the week’s notice (a late sweep warns first), and one replica sweeps at a time', async () => {
    const org = await createOrg();
    const people = await Promise.all([1, 2, 3].map((n) => person(org, 'client', `Late ${n}`)));
    await setRule(org, 30);
    advance(45);
    await Promise.all([sweep(), sweep()]);
    for (const p of people) {
      expect(await status(p.id)).toBe('active');
      expect(await warnedAt(p.id)).toEqual(new Date(now));
    }
    // Each warned once by the two sweeps: one mail each, and nothing more queued.
    for (const p of people) await expectEventually(() => expect(warnings(p.email)).toHaveLength(1));
    expect(
      await app
        .get(DataSource)
        .query(`SELECT 1 FROM identity.mail_outbox WHERE kind = 'idle_warning' AND user_id = ANY($1)`, [
          people.map((p) => p.id),
        ]),
    ).toEqual([]);
    advance(6, 23 * 60);
    await sweep();
    for (const p of people) expect(await status(p.id)).toBe('active');
    advance(0, 60);
    await sweep();
    for (const p of people) expect(await status(p.id)).toBe('deactivated');

    // An org admin reactivates one: its count starts again then (not deactivated by the next sweep).
    const admin: Actor = {
      userId: org.adminId,
      tenantId: org.tenantId,
      roles: ['org_admin'],
      region: 'eea',
      sessionId: randomUUID(),
    };
    await requestContext.run({ requestId: `test-${randomUUID()}`, sourceAddress: '192.0.2.1' }, () =>
      app.get(UserLifecycleService).reactivate(admin, people[0].id),
    );
    advance(22);
    await sweep();
    expect(await status(people[0].id)).toBe('active');
    expect(await warnedAt(people[0].id)).toBe(null);
    advance(1);
    await sweep();
    expect(await warnedAt(people[0].id)).toEqual(new Date(now));
  });

  it('turning the rule off voids the warnings: turned on again, everyone is warned afresh before anything happens', async () => {
    const org = await createOrg();
    const client = await person(org, 'client', 'Vera Void');
    await setRule(org, 30);
    advance(24);
    await sweep();
    await expectEventually(() => expect(warnings(client.email)).toHaveLength(1));
    await setRule(org, null);
    expect(await warnedAt(client.id)).toBe(null);
    await setRule(org, 30);
    advance(7);
    await sweep();
    expect(await status(client.id)).toBe('active');
    expect(await warnedAt(client.id)).toBe(null);
    advance(16, 1);
    await sweep();
    await expectEventually(() => expect(warnings(client.email)).toHaveLength(2));
    expect(await status(client.id)).toBe('active');
  });
});
