import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { auditEntryRecordedV1, type AuditEntryRecordedV1, type EventEnvelope } from '@therapy-room/contracts';
import {
  gatewayCredential,
  startInProcessService,
  type InProcessService,
  collectTopics,
  expectEventually,
  uniqueName,
} from '@therapy-room/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { UsersService } from '../../src/users/users.service';
import { Clock } from '@therapy-room/platform';
import { PasswordHasher } from '../../src/common/password-hasher';
import { TenantsService } from '../../src/tenants/tenants.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';

type AuditMessage = EventEnvelope<AuditEntryRecordedV1>;
const PASSWORD = 'Correct-Horse-Battery-9!';
const WRONG = 'Wrong-Horse-Battery-9!';
const THROTTLED = { status: 429, code: 'TOO_MANY_ATTEMPTS', detail: 'Too many attempts. Try again later.' };
const INVALID = {
  status: 401,
  code: 'INVALID_CREDENTIALS',
  detail: 'The organisation, e-mail address or password is not correct.',
};

describe('login throttling and lockout (identity, real PostgreSQL and Kafka, fake clock)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let url: string;
  let audit: Awaited<ReturnType<typeof collectTopics>>;
  let now = Date.now();
  let verifications: jest.SpyInstance;

  const advance = (seconds: number) => (now += seconds * 1000);
  const login = (from: string, body: { organisation: string; email: string; password: string }) =>
    request(url)
      .post('/auth/login')
      .set('authorization', gatewayCredential('POST', '/auth/login'))
      .set('x-client-address', from)
      .send(body);
  const createTenant = async () => {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const created = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin }));
    return { slug, ...created, email: admin.email };
  };
  /** An active client with a password (no second factor: a login is one step). */
  const createClient = async (tenantId: string) => {
    const email = `${uniqueName('client')}@example.org`;
    const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
    await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId,
        email,
        displayName: 'Client',
        role: 'client',
        status: 'active',
        passwordHash,
      }),
    );
    return email;
  };
  const auditEntries = (): AuditMessage[] => audit.messages.map((m) => JSON.parse(m.value!.toString()));

  /** An attacker who waits out every delay and sends one guess every 5 s (30 guesses: 2.5 min, inside one window). */
  async function guessingRun(from: string, body: { organisation: string; email: string }, guesses = 30) {
    const answers: { status: number; body: Record<string, unknown>; retryAfter?: string }[] = [];
    for (let i = 0; i < guesses; i++) {
      const res = await login(from, { ...body, password: `${WRONG}${i}` });
      answers.push({ status: res.status, body: res.body, retryAfter: res.headers['retry-after'] });
      advance(5);
    }
    return answers;
  }

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity', { consume: false });
    ({ app, url } = identity);
    const prefix = identity.prefix;
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
    verifications = jest.spyOn(app.get(PasswordHasher), 'verify');
    audit = await collectTopics([`${prefix}${auditEntryRecordedV1.topic}`]);
  });
  afterAll(async () => {
    await audit?.stop();
    await identity?.stop();
  });
  beforeEach(() => verifications.mockClear());

  it('gives a guessing run from one address at most 10 evaluated guesses per 15 minutes, while the real user signs in from their own browser elsewhere', async () => {
    const tenant = await createTenant();
    const account = { organisation: tenant.slug, email: await createClient(tenant.tenantId) };
    const { deviceToken } = (await login('198.51.100.20', { ...account, password: PASSWORD }).expect(200))
      .body;
    verifications.mockClear();
    const answers = await guessingRun('203.0.113.10', account);

    const evaluated = answers.filter((a) => a.status === 401);
    expect(evaluated).toHaveLength(10);
    expect(verifications).toHaveBeenCalledTimes(10);
    expect(answers.slice(0, 5).every((a) => a.status === 401)).toBe(true);
    expect(answers.slice(-15).every((a) => a.status === 429)).toBe(true);
    for (const a of evaluated) expect(a.body).toMatchObject(INVALID);
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.body).toMatchObject(THROTTLED);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    // Locked until a window after the 10th failure: the answer says how long.
    expect(Number(answers.at(-1)!.retryAfter)).toBeGreaterThan(15 * 60 - 150);

    // The real user, from the browser they signed in with before (another address): not affected.
    verifications.mockClear();
    await login('198.51.100.21', { ...account, password: PASSWORD })
      .set('x-device-token', deviceToken)
      .expect(200);
    // Even the right password from the locked address is refused, without being checked.
    await login('203.0.113.10', { ...account, password: PASSWORD }).expect(429);
    expect(verifications).toHaveBeenCalledTimes(1);

    // A window later, the address may try again (and the right password works).
    advance(15 * 60);
    await login('203.0.113.10', { ...account, password: WRONG }).expect(401);
    await login('203.0.113.10', { ...account, password: PASSWORD }).expect(200);
  });

  it('gives a guessing run rotating 50 addresses at most 10 evaluated guesses per account per 15 minutes, without locking out the browser the user signed in with; the answers are the same for unknown accounts', async () => {
    const tenant = await createTenant();
    const account = { organisation: tenant.slug, email: await createClient(tenant.tenantId) };
    const { deviceToken } = (await login('198.51.100.30', { ...account, password: PASSWORD }).expect(200))
      .body;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    /** One guess from each of 50 addresses (203.0.113.100 …), every 5 s (about 4 minutes in all). */
    const rotatingRun = async (body: { organisation: string; email: string }) => {
      const answers: { status: number; code: unknown; detail: unknown; retryAfter?: string }[] = [];
      for (let i = 0; i < 50; i++) {
        const res = await login(`203.0.113.${100 + i}`, { ...body, password: `${WRONG}${i}` });
        answers.push({
          status: res.status,
          code: res.body.code,
          detail: res.body.detail,
          retryAfter: res.headers['retry-after'],
        });
        advance(5);
      }
      return answers;
    };
    verifications.mockClear();
    const known = await rotatingRun(account);
    expect(known.filter((a) => a.status === 401)).toHaveLength(10);
    expect(verifications).toHaveBeenCalledTimes(10);
    expect(known.slice(10).every((a) => a.status === 429)).toBe(true);
    for (const a of known.slice(10)) {
      expect(a).toMatchObject({ code: THROTTLED.code, detail: THROTTLED.detail });
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }

    // The browser that signed in before keeps its own allowance, from yet another address…
    verifications.mockClear();
    const real = await login('192.0.2.200', { ...account, password: PASSWORD })
      .set('x-device-token', deviceToken)
      .expect(200);
    expect(real.body.token).toEqual(expect.any(String));
    expect(verifications).toHaveBeenCalledTimes(1);
    // …while a browser the account does not know (or a made-up device token) waits, unevaluated.
    verifications.mockClear();
    await login('192.0.2.201', { ...account, password: PASSWORD }).expect(429);
    await login('192.0.2.202', { ...account, password: PASSWORD })
      .set('x-device-token', 'x'.repeat(43))
      .expect(429);
    expect(verifications).not.toHaveBeenCalled();

    // An unknown e-mail and an unknown organisation answer exactly the same, guess by guess.
    const unknownEmail = await rotatingRun({ organisation: tenant.slug, email: 'nobody@example.org' });
    const unknownOrg = await rotatingRun({ organisation: 'no-such-org-z', email: account.email });
    expect(unknownEmail).toEqual(known);
    expect(unknownOrg).toEqual(known);

    // A window after the lock, browsers it does not know may try again.
    advance(15 * 60);
    await login('192.0.2.203', { ...account, password: PASSWORD }).expect(200);
  });

  it('evaluates at most 10 of 30 concurrent guesses', async () => {
    const tenant = await createTenant();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login('203.0.113.30', {
          organisation: tenant.slug,
          email: tenant.email,
          password: `${WRONG}${i}`,
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
    expect(verifications.mock.calls.length).toBeLessThanOrEqual(10);
  });

  it('throttles an unknown e-mail (and an unknown organisation) exactly like an existing account', async () => {
    const tenant = await createTenant();
    const shape = (answers: Awaited<ReturnType<typeof guessingRun>>) =>
      answers.map((a) => ({
        status: a.status,
        code: a.body.code,
        detail: a.body.detail,
        retryAfter: a.retryAfter,
      }));
    const known = shape(
      await guessingRun('203.0.113.40', { organisation: tenant.slug, email: tenant.email }),
    );
    const unknownEmail = shape(
      await guessingRun('203.0.113.41', { organisation: tenant.slug, email: 'nobody@example.org' }),
    );
    const unknownOrg = shape(
      await guessingRun('203.0.113.42', { organisation: 'no-such-org-x', email: tenant.email }),
    );
    expect(unknownEmail).toEqual(known);
    expect(unknownOrg).toEqual(known);
    expect(known.filter((a) => a.status === 401)).toHaveLength(10);
    advance(15 * 60);
  });

  it('locks an address that fails on many accounts, for every account, but not the accounts elsewhere', async () => {
    const tenant = await createTenant();
    const hammer = '2001:db8:aaaa:1::5';
    for (let i = 0; i < 50; i++) {
      await login(hammer, {
        organisation: tenant.slug,
        email: `user${i}@example.org`,
        password: WRONG,
      }).expect(401);
    }
    verifications.mockClear();
    // Another address of the same /64 counts as the same source.
    const refused = await login('2001:db8:aaaa:1::99', {
      organisation: tenant.slug,
      email: tenant.email,
      password: PASSWORD,
    }).expect(429);
    expect(refused.body).toMatchObject(THROTTLED);
    expect(verifications).not.toHaveBeenCalled();
    await login('2001:db8:aaaa:2::5', {
      organisation: tenant.slug,
      email: tenant.email,
      password: PASSWORD,
    }).expect(200);
    await expectEventually(() =>
      expect(
        auditEntries().some(
          (e) => e.payload.sourceAddress === '2001:db8:aaaa:1::99' && e.payload.outcome === 'locked',
        ),
      ).toBe(true),
    );
    advance(15 * 60);
  });

  it('publishes every attempt (success, failure, throttled, locked) as audit.entry.recorded.v1, with no e-mail or password', async () => {
    const tenant = await createTenant();
    const from = '192.0.2.77';
    const account = { organisation: tenant.slug, email: tenant.email };
    await login(from, { ...account, password: PASSWORD }).expect(200);
    await guessingRun(from, account, 20);
    await login(from, { organisation: tenant.slug, email: 'ghost@example.org', password: WRONG }).expect(401);
    await login(from, { organisation: 'no-such-org-y', email: 'ghost@example.org', password: WRONG }).expect(
      401,
    );

    const ours = await expectEventually(() => {
      const entries = auditEntries().filter((e) => e.payload.sourceAddress === from);
      expect(entries).toHaveLength(23);
      return entries;
    });
    const outcomes = ours.map((e) => e.payload.outcome);
    expect(outcomes.filter((o) => o === 'success')).toHaveLength(1);
    // The correct password of an org admin (who owes a second factor) keeps its admission charge until
    // the second factor succeeds, so the guessing run that follows gets 9 evaluated guesses, not 10.
    expect(outcomes.filter((o) => o === 'failure')).toHaveLength(11);
    expect(outcomes.filter((o) => o === 'throttled').length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === 'locked').length).toBeGreaterThan(0);

    const success = ours.find((e) => e.payload.outcome === 'success')!;
    expect(success).toMatchObject({
      type: 'audit.entry.recorded.v1',
      tenantId: tenant.tenantId,
      subjectId: tenant.adminId,
      payload: {
        action: 'auth.login',
        actorId: tenant.adminId,
        actorRole: 'org_admin',
        resource: 'login_challenge',
        resourceId: expect.any(String),
        requestId: expect.any(String),
      },
    });
    const failures = ours.filter((e) => e.payload.outcome === 'failure');
    expect(failures.filter((e) => e.subjectId === tenant.adminId)).toHaveLength(9);
    for (const e of failures)
      expect(e.payload).toMatchObject({ actorId: null, actorRole: null, resourceId: null });
    expect(failures.filter((e) => e.subjectId === null)).toHaveLength(2);
    expect(failures.some((e) => e.tenantId === '00000000-0000-0000-0000-000000000000')).toBe(true);
    for (const e of ours) expect(auditEntryRecordedV1.message.safeParse(e).success).toBe(true);

    const everything = JSON.stringify(auditEntries());
    expect(everything).not.toMatch(/@|example\.org|Horse-Battery/i);
  });
});
