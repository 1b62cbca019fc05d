import request from 'supertest';
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

const NEW_PASSWORD = 'Quiet-Harbour-Lamp-2031!';
const NO_LONGER_VALID = { status: 400, code: 'LINK_INVALID', detail: 'This link is no longer valid.' };

const resetToken = (mail: DeliveredMail): string => {
  const match = /http:\/\/localhost:3000\/reset-password\?token=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/.exec(
    mail.raw,
  );
  if (!match) throw new Error(`no reset link in: ${mail.raw}`);
  return match[1];
};

describe('password reset (gateway + identity processes, real PostgreSQL, Kafka and SMTP)', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const api = () => request(stack.gatewayUrl);
  const loginRaw = (t: TestTenant, password: string) =>
    api().post('/api/auth/login').send({ organisation: t.slug, email: t.adminEmail, password });
  const loginAs = async (t: TestTenant, password: string) =>
    (await stack.loginAs({ organisation: t.slug, email: t.adminEmail, password })).cookie;
  const requestReset = (organisation: string, email: string) =>
    api().post('/api/auth/password-reset/request').send({ organisation, email });
  const confirm = (token: string, password: string) =>
    api().post('/api/auth/password-reset/confirm').send({ token, password });
  const mailTo = (address: string, count = 1) =>
    expectEventually(() => {
      const mails = smtp.to(address);
      expect(mails).toHaveLength(count);
      return mails[count - 1];
    });

  let audit: Awaited<ReturnType<typeof collectTopics>>;
  type AuditMessage = EventEnvelope<{
    action: string;
    outcome: string;
    resourceId: string | null;
    sourceAddress: string;
  }>;
  const auditOf = (tenantId: string, action: string): AuditMessage[] =>
    audit.messages
      .map((m) => JSON.parse(m.value!.toString()) as AuditMessage)
      .filter((e) => e.tenantId === tenantId && e.payload.action === action);

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

  it('answers a known and an unknown address identically; only the known one gets a mail', async () => {
    const tenant = await stack.createTenant();
    const known = await requestReset(tenant.slug, tenant.adminEmail.toUpperCase());
    const unknown = await requestReset(tenant.slug, `nobody@${tenant.slug}.example`);
    const unknownOrg = await requestReset('no-such-org-z', tenant.adminEmail);
    for (const res of [known, unknown, unknownOrg]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual(known.body);
      expect(res.headers['content-type']).toBe(known.headers['content-type']);
    }
    const mail = await mailTo(tenant.adminEmail);
    expect(mail.subject).toBe('Reset your Therapy Room password');
    resetToken(mail);
    expect(smtp.to(`nobody@${tenant.slug}.example`)).toHaveLength(0);
    // Bad input is still refused field by field.
    const bad = await api()
      .post('/api/auth/password-reset/request')
      .send({ organisation: tenant.slug })
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['email']);
  });

  it('sets the new password from the link, ends every other session, and the link works once', async () => {
    const tenant = await stack.createTenant();
    const oldCookie = await loginAs(tenant, tenant.adminPassword);
    await api().get('/api/me').set('cookie', oldCookie).expect(200);

    await requestReset(tenant.slug, tenant.adminEmail).expect(202);
    const token = resetToken(await mailTo(tenant.adminEmail));

    const weak = await confirm(token, 'password123').expect(400);
    expect(weak.body.errors.every((e: { path: string }) => e.path === 'password')).toBe(true);
    expect(weak.body.errors.length).toBeGreaterThan(0);
    const ok = await confirm(token, NEW_PASSWORD).expect(200);
    expect(ok.body).toEqual({ organisation: tenant.slug });

    // The old session is revoked and the gateway stops accepting it (revocation event).
    await expectEventually(() => api().get('/api/me').set('cookie', oldCookie).expect(401), {
      timeoutMs: 5000,
    });
    await loginRaw(tenant, tenant.adminPassword).expect(401);
    const fresh = await loginAs(tenant, NEW_PASSWORD);
    await api().get('/api/me').set('cookie', fresh).expect(200);

    const reused = await confirm(token, 'Yet-Another-Password-9?').expect(400);
    expect(reused.body).toMatchObject(NO_LONGER_VALID);
    await loginAs(tenant, NEW_PASSWORD);
  });

  it('names its organisation in the link (for routing to its home region); a confirmation naming another is refused, its own works', async () => {
    const tenant = await stack.createTenant();
    const other = await stack.createTenant();
    await requestReset(tenant.slug, tenant.adminEmail).expect(202);
    const mail = await mailTo(tenant.adminEmail);
    const link =
      /http:\/\/localhost:3000\/reset-password\?token=[A-Za-z0-9_-]{43}&organisation=([a-z0-9-]+)/.exec(
        mail.raw,
      );
    expect(link?.[1]).toBe(tenant.slug);
    const token = resetToken(mail);
    const wrong = await api()
      .post('/api/auth/password-reset/confirm')
      .send({ token, password: NEW_PASSWORD, organisation: other.slug })
      .expect(400);
    expect(wrong.body).toMatchObject(NO_LONGER_VALID);
    await loginAs(tenant, tenant.adminPassword);
    await api()
      .post('/api/auth/password-reset/confirm')
      .send({ token, password: NEW_PASSWORD, organisation: tenant.slug })
      .expect(200);
    await loginAs(tenant, NEW_PASSWORD);
  });

  it('audits every request (known, unknown, throttled) and every reset, from the client’s address', async () => {
    const tenant = await stack.createTenant();
    for (let i = 0; i < 4; i++) {
      await requestReset(tenant.slug, tenant.adminEmail).expect(202);
    }
    await requestReset(tenant.slug, `nobody@${tenant.slug}.example`).expect(202);
    // Each new link revokes the older ones (their mails may never leave): the newest mail's link works.
    await expectEventually(async () => {
      const mails = smtp.to(tenant.adminEmail);
      expect(mails.length).toBeGreaterThan(0);
      expect((await confirm(resetToken(mails[mails.length - 1]), NEW_PASSWORD)).status).toBe(200);
    });
    await expectEventually(() => {
      const requests = auditOf(tenant.tenantId, 'auth.password_reset.request');
      expect(requests.map((e) => [e.payload.outcome, e.subjectId]).sort()).toEqual(
        [
          ['success', tenant.adminId],
          ['success', tenant.adminId],
          ['success', tenant.adminId],
          ['throttled', tenant.adminId],
          ['failure', null],
        ].sort(),
      );
      const confirmed = auditOf(tenant.tenantId, 'auth.password_reset.confirm');
      expect(confirmed).toEqual([
        expect.objectContaining({
          subjectId: tenant.adminId,
          payload: expect.objectContaining({ outcome: 'success', resourceId: tenant.adminId }),
        }),
      ]);
    });
    // The address the gateway saw (this test's loopback), never identity's own view of the gateway.
    expect(
      auditOf(tenant.tenantId, 'auth.password_reset.request').every(
        (e) => e.payload.sourceAddress === '127.0.0.1',
      ),
    ).toBe(true);
    // No e-mail address in any entry.
    expect(JSON.stringify(auditOf(tenant.tenantId, 'auth.password_reset.request'))).not.toContain('@');
  });

  it('refuses a reset link after 1 hour, and an older link once a newer one was sent', async () => {
    const tenant = await stack.createTenant();
    await requestReset(tenant.slug, tenant.adminEmail).expect(202);
    const first = resetToken(await mailTo(tenant.adminEmail));
    await requestReset(tenant.slug, tenant.adminEmail).expect(202);
    const second = resetToken(await mailTo(tenant.adminEmail, 2));
    expect((await confirm(first, NEW_PASSWORD).expect(400)).body).toMatchObject(NO_LONGER_VALID);

    const [{ minutes }] = await stack.db.query<{ minutes: number }>(
      `SELECT extract(epoch FROM expires_at - created_at) / 60 AS minutes FROM identity.password_reset
        WHERE user_id = $1 AND revoked_at IS NULL`,
      [tenant.adminId],
    );
    expect(Number(minutes)).toBe(60);
    await stack.db.query(
      `UPDATE identity.password_reset SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [tenant.adminId],
    );
    expect((await confirm(second, NEW_PASSWORD).expect(400)).body).toMatchObject(NO_LONGER_VALID);
    await loginAs(tenant, tenant.adminPassword);
  });

  it('sends no reset mail to an account that is not active (invited), with the same answer', async () => {
    const tenant = await stack.createTenant();
    const admin = await loginAs(tenant, tenant.adminPassword);
    const email = `invited@${tenant.slug}.example`;
    await api()
      .post('/api/users')
      .set('cookie', admin)
      .send({ email, displayName: 'I', role: 'client' })
      .expect(201);
    await mailTo(email); // the invitation
    const res = await requestReset(tenant.slug, email).expect(202);
    const reference = await requestReset(tenant.slug, `nobody@${tenant.slug}.example`).expect(202);
    expect(res.body).toEqual(reference.body);
    await requestReset(tenant.slug, tenant.adminEmail).expect(202);
    await mailTo(tenant.adminEmail); // mails are sent in order of commit: the invited one had its chance
    expect(smtp.to(email).filter((m) => m.subject.includes('Reset'))).toHaveLength(0);
  });
});
