import request from 'supertest';
import { createHash } from 'node:crypto';
import { auditEntryRecordedV1, type EventEnvelope } from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  startSmtpSink,
  startStack,
  type DeliveredMail,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const GOOD_PASSWORD = 'Lantern-Orchard-Velvet-42!';
const NO_LONGER_VALID = { status: 400, code: 'LINK_INVALID', detail: 'This link is no longer valid.' };

const activationToken = (mail: DeliveredMail): string => {
  const match = /http:\/\/localhost:3000\/activate\?token=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/.exec(
    mail.raw,
  );
  if (!match) throw new Error(`no activation link in: ${mail.raw}`);
  return match[1];
};

describe('invitations, licence limit and activation (gateway + identity processes, real PostgreSQL, Kafka and SMTP)', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const api = () => request(stack.gatewayUrl);
  /** Through the gateway, completing a second factor when identity asks for one (org admins). */
  const login = async (organisation: string, email: string, password: string) =>
    (await stack.loginAs({ organisation, email, password })).cookie;
  const loginAdmin = async (t: TestTenant) => (await stack.loginAs(t)).cookie;
  const invite = (cookie: string, body: Record<string, unknown>) =>
    api().post('/api/users').set('cookie', cookie).send(body);
  /** The one invitation mail to this address (waits for the relay). */
  const mailTo = (address: string, count = 1) =>
    expectEventually(() => {
      const mails = smtp.to(address);
      expect(mails).toHaveLength(count);
      return mails[count - 1];
    });
  const activate = (token: string, password: string) =>
    api().post('/api/auth/activate').send({ token, password });
  /** Invites, activates and logs in: the new account's session cookie. */
  async function onboard(
    t: TestTenant,
    inviterCookie: string,
    email: string,
    role: 'professional' | 'client',
  ) {
    await invite(inviterCookie, { email, displayName: `${role} ${email}`, role }).expect(201);
    await activate(activationToken(await mailTo(email)), GOOD_PASSWORD).expect(200);
    return login(t.slug, email, GOOD_PASSWORD);
  }

  let audit: Awaited<ReturnType<typeof collectTopics>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stack = await startStack({ SMTP_URL: smtp.url });
    audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
  });
  afterAll(async () => {
    await audit?.stop();
    await stack?.stop();
    await smtp?.stop();
  });

  it('a deactivated professional frees the seat (the users list shows seats used / total), and cannot be reactivated while the licence is full', async () => {
    const tenant = await stack.createTenant({ seats: 2 });
    const admin = await loginAdmin(tenant);
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const res = await invite(admin, {
        email: `seat${n}@${tenant.slug}.example`,
        displayName: `Seat ${n}`,
        role: 'professional',
      }).expect(201);
      ids.push(res.body.id);
    }
    const seats = async () => (await api().get('/api/users').set('cookie', admin).expect(200)).body.seats;
    expect(await seats()).toEqual({ used: 2, total: 2 });
    await api().post(`/api/users/${ids[0]}/deactivate`).set('cookie', admin).expect(200);
    // The admin screen's "used / total": a deactivated professional takes no seat.
    expect(await seats()).toEqual({ used: 1, total: 2 });
    await invite(admin, {
      email: `seat3@${tenant.slug}.example`,
      displayName: 'Seat 3',
      role: 'professional',
    }).expect(201);
    const refused = await api().post(`/api/users/${ids[0]}/reactivate`).set('cookie', admin).expect(409);
    expect(refused.body).toMatchObject({
      code: 'LICENCE_EXHAUSTED',
      detail: "This organisation's licence allows 2 professional accounts; all are in use.",
    });
    const [row] = await stack.db.query<{ status: string }>(
      `SELECT status FROM identity.user_account WHERE id = $1`,
      [ids[0]],
    );
    expect(row.status).toBe('deactivated');
    // With a seat freed again, the reactivation goes through.
    await api().post(`/api/users/${ids[1]}/deactivate`).set('cookie', admin).expect(200);
    await api().post(`/api/users/${ids[0]}/reactivate`).set('cookie', admin).expect(200);
  });

  it('refuses the 6th professional on a 5-seat licence with a clear 409, while training professionals and clients still get in', async () => {
    const tenant = await stack.createTenant({ seats: 5 });
    const admin = await loginAdmin(tenant);
    for (let i = 1; i <= 5; i++) {
      await invite(admin, {
        email: `pro${i}@${tenant.slug}.example`,
        displayName: `Pro ${i}`,
        role: 'professional',
      }).expect(201);
    }
    const refused = await invite(admin, {
      email: `pro6@${tenant.slug}.example`,
      displayName: 'Pro 6',
      role: 'professional',
    }).expect(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      status: 409,
      code: 'LICENCE_EXHAUSTED',
      detail: "This organisation's licence allows 5 professional accounts; all are in use.",
    });
    await invite(admin, {
      email: `trainee@${tenant.slug}.example`,
      displayName: 'Trainee',
      role: 'professional',
      training: true,
    }).expect(201);
    await invite(admin, {
      email: `client@${tenant.slug}.example`,
      displayName: 'Client',
      role: 'client',
    }).expect(201);
    // Still full for ordinary professionals; and no account or mail came of the refusal.
    await invite(admin, {
      email: `pro7@${tenant.slug}.example`,
      displayName: 'Pro 7',
      role: 'professional',
    }).expect(409);
    const [row] = await stack.db.query<{ training: boolean }>(
      `SELECT training FROM identity.user_account WHERE email = $1`,
      [`trainee@${tenant.slug}.example`],
    );
    expect(row.training).toBe(true);
    await mailTo(`trainee@${tenant.slug}.example`);
    expect(smtp.to(`pro6@${tenant.slug}.example`)).toHaveLength(0);
    // A training client to practise with (no seat either; see training-accounts.int-spec.ts for the limits).
    await invite(admin, {
      email: `c2@${tenant.slug}.example`,
      displayName: 'C',
      role: 'client',
      training: true,
    }).expect(201);
  });

  it('mails an invitation link; a weak password is refused field by field, a good one activates the account once', async () => {
    const tenant = await stack.createTenant();
    const admin = await loginAdmin(tenant);
    const email = `nora@${tenant.slug}.example`;
    const created = await invite(admin, { email, displayName: 'Nora Pro', role: 'professional' }).expect(201);

    const mail = await mailTo(email);
    expect(mail.subject).toBe('Your Therapy Room invitation');
    expect(mail.raw).not.toMatch(/Nora Pro/);
    const token = activationToken(mail);
    // Only the SHA-256 of the token is stored.
    const stored = await stack.db.query<{ token_hash: Buffer }>(
      `SELECT token_hash FROM identity.invitation WHERE user_id = $1`,
      [created.body.id],
    );
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(token).digest() }]);

    // Not yet active: no login.
    await api()
      .post('/api/auth/login')
      .send({ organisation: tenant.slug, email, password: GOOD_PASSWORD })
      .expect(401);

    const weak = await activate(token, 'short').expect(400);
    expect(weak.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(weak.body.errors).toEqual(
      expect.arrayContaining([{ path: 'password', message: 'must be at least 12 characters' }]),
    );
    const containsName = await activate(token, 'nora-is-my-name-2026!').expect(400);
    expect(containsName.body.errors.map((e: { path: string }) => e.path)).toEqual(['password']);
    await api().post('/api/auth/activate').send({ token, password: GOOD_PASSWORD, extra: 1 }).expect(400);

    const ok = await activate(token, GOOD_PASSWORD).expect(200);
    expect(ok.body).toEqual({ organisation: tenant.slug });
    const cookie = await login(tenant.slug, email, GOOD_PASSWORD);
    const me = await api().get('/api/me').set('cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ id: created.body.id, role: 'professional', status: 'active' });

    const reused = await activate(token, 'Another-Good-Password-7?').expect(400);
    expect(reused.body).toMatchObject(NO_LONGER_VALID);
    const unknown = await activate('A'.repeat(43), GOOD_PASSWORD).expect(400);
    expect(unknown.body).toMatchObject(NO_LONGER_VALID);

    // The activation is audited once (the refused attempts changed nothing), by the person themself.
    await expectEventually(() => {
      const entries = audit.messages
        .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<Record<string, unknown>>)
        .filter((e) => e.payload.action === 'user.activate' && e.subjectId === created.body.id);
      expect(entries).toEqual([
        expect.objectContaining({
          tenantId: tenant.tenantId,
          payload: expect.objectContaining({
            outcome: 'success',
            actorId: created.body.id,
            actorRole: 'professional',
            sourceAddress: '127.0.0.1',
          }),
        }),
      ]);
    });
  });

  it('names its organisation in the link (for routing to its home region); a call naming another is refused, its own works', async () => {
    const tenant = await stack.createTenant();
    const other = await stack.createTenant();
    const admin = await loginAdmin(tenant);
    const email = `named@${tenant.slug}.example`;
    await invite(admin, { email, displayName: 'Named', role: 'client' }).expect(201);
    const mail = await mailTo(email);
    // The slug, and no user id or address: the page and the token's call name the organisation.
    const link = /http:\/\/localhost:3000\/activate\?token=[A-Za-z0-9_-]{43}&organisation=([a-z0-9-]+)/.exec(
      mail.raw,
    );
    expect(link?.[1]).toBe(tenant.slug);
    const token = activationToken(mail);
    const wrong = await api()
      .post('/api/auth/activate')
      .send({ token, password: GOOD_PASSWORD, organisation: other.slug })
      .expect(400);
    expect(wrong.body).toMatchObject(NO_LONGER_VALID);
    await api()
      .post('/api/auth/activate')
      .send({ token, password: GOOD_PASSWORD, organisation: 'Not A Slug' })
      .expect(400);
    const ok = await api()
      .post('/api/auth/activate')
      .send({ token, password: GOOD_PASSWORD, organisation: tenant.slug })
      .expect(200);
    expect(ok.body).toEqual({ organisation: tenant.slug });
  });

  it('refuses an invitation link after 7 days', async () => {
    const tenant = await stack.createTenant();
    const admin = await loginAdmin(tenant);
    const email = `late@${tenant.slug}.example`;
    const created = await invite(admin, { email, displayName: 'Late', role: 'client' }).expect(201);
    const token = activationToken(await mailTo(email));
    const [{ days }] = await stack.db.query<{ days: number }>(
      `SELECT extract(epoch FROM expires_at - created_at) / 86400 AS days FROM identity.invitation WHERE user_id = $1`,
      [created.body.id],
    );
    expect(Number(days)).toBe(7);
    await stack.db.query(
      `UPDATE identity.invitation SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [created.body.id],
    );
    const expired = await activate(token, GOOD_PASSWORD).expect(400);
    expect(expired.body).toMatchObject(NO_LONGER_VALID);
  });

  it('re-inviting an invited account sends a new link and the old one stops working', async () => {
    const tenant = await stack.createTenant();
    const admin = await loginAdmin(tenant);
    const email = `again@${tenant.slug}.example`;
    const created = await invite(admin, { email, displayName: 'Again', role: 'client' }).expect(201);
    const first = activationToken(await mailTo(email));
    await api().post(`/api/users/${created.body.id}/invitation`).set('cookie', admin).send({}).expect(202);
    const second = activationToken(await mailTo(email, 2));
    expect(second).not.toBe(first);
    await activate(first, GOOD_PASSWORD).expect(400);
    await activate(second, GOOD_PASSWORD).expect(200);
    // Active now: nothing to re-invite.
    await api().post(`/api/users/${created.body.id}/invitation`).set('cookie', admin).send({}).expect(404);
  });

  it('lets a professional invite clients (only clients), and a client invite no one', async () => {
    const tenant = await stack.createTenant();
    const admin = await loginAdmin(tenant);
    const pro = await onboard(tenant, admin, `pro@${tenant.slug}.example`, 'professional');
    const clientEmail = `client@${tenant.slug}.example`;
    await invite(pro, { email: clientEmail, displayName: 'Client', role: 'client' }).expect(201);
    await activate(activationToken(await mailTo(clientEmail)), GOOD_PASSWORD).expect(200);
    const client = await login(tenant.slug, clientEmail, GOOD_PASSWORD);

    const proInvitesPro = await invite(pro, {
      email: `pro2@${tenant.slug}.example`,
      displayName: 'Pro 2',
      role: 'professional',
    }).expect(403);
    expect(proInvitesPro.body.code).toBe('FORBIDDEN');
    await invite(client, { email: `c2@${tenant.slug}.example`, displayName: 'C2', role: 'client' }).expect(
      403,
    );
    await invite(client, {
      email: `p3@${tenant.slug}.example`,
      displayName: 'P3',
      role: 'professional',
    }).expect(403);
    // Without a session, inviting is refused at the gateway.
    await api()
      .post('/api/users')
      .send({ email: 'x@example.org', displayName: 'X', role: 'client' })
      .expect(401);
  });
});
