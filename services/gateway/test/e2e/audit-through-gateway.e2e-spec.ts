import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import {
  announceAccount,
  expectEventually,
  publishEvent,
  startSmtpSink,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

/**
 * The access log end to end with real processes: a professional opens a client's caseload entry through
 * the gateway, caseload publishes the audit entry, audit keeps it, and the client sees who looked at
 * their record; the org admin searches and exports the log; nobody else reads it.
 */
describe('audit e2e: gateway → caseload → Kafka → audit → the client’s contact history', () => {
  let stack: TestStack;
  let org: TestTenant;
  let adminCookie: string;
  let pro: { id: string; cookie: string };
  let client: { id: string; email: string; cookie: string };
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  const api = () => request(stack.gatewayUrl);
  const announce = (id: string, role: 'professional' | 'client', displayName: string) =>
    announceAccount(stack.prefix, org.tenantId, { id, role, displayName });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stack = await startStack({ SMTP_URL: smtp.url }, { caseload: true, audit: true });
    org = await stack.createTenant();
    adminCookie = (await stack.loginAs(org)).cookie;
    const proAccount = await stack.addActiveUser(org, 'professional');
    const clientAccount = await stack.addActiveUser(org, 'client');
    await announce(proAccount.id, 'professional', 'Petra Pro');
    await announce(clientAccount.id, 'client', 'Karel Client');
    pro = { id: proAccount.id, cookie: (await stack.loginAs(proAccount)).cookie };
    client = {
      id: clientAccount.id,
      email: clientAccount.email,
      cookie: (await stack.loginAs(clientAccount)).cookie,
    };
    await expectEventually(async () => {
      const res = await api()
        .post('/api/caseload/assignments')
        .set('cookie', adminCookie)
        .send({ clientId: client.id, professionalId: pro.id });
      expect(res.status).toBe(201);
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  it('the client sees that their professional opened their caseload entry, by name and role', async () => {
    await api().get(`/api/caseload/clients/${client.id}`).set('cookie', pro.cookie).expect(200);
    const history = await expectEventually(async () => {
      const res = await api().get('/api/audit/me/contact-history').set('cookie', client.cookie).expect(200);
      const read = res.body.items.find((i: { action: string }) => i.action === 'caseload.read');
      expect(read).toBeDefined();
      return read;
    });
    expect(history).toMatchObject({
      data: 'caseload.entry',
      by: { name: 'Petra Pro', role: 'professional' },
      outsideCareTeam: false,
    });
  });

  it('the org admin searches and exports the log; professionals and strangers cannot read it', async () => {
    const found = await expectEventually(async () => {
      const res = await api()
        .get(`/api/audit/records?clientId=${client.id}&action=caseload.read`)
        .set('cookie', adminCookie)
        .expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      return res.body.items;
    });
    expect(found[0]).toMatchObject({
      actorId: pro.id,
      subjectId: client.id,
      outcome: 'success',
      sourceService: 'caseload',
    });
    const csv = await api()
      .get(`/api/audit/records.csv?clientId=${client.id}`)
      .set('cookie', adminCookie)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain(pro.id);

    await api().get('/api/audit/records').set('cookie', pro.cookie).expect(403);
    await api().get('/api/audit/me/contact-history').expect(401);
    const bad = await api().get('/api/audit/records?limit=0').set('cookie', adminCookie).expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('a share link opened: marked in the contact history, and identity mails the client a notice naming nobody', async () => {
    // As content records the opening of a client's report share link (no account: no actor).
    await publishEvent(
      stack.prefix,
      auditEntryRecordedV1,
      {
        action: 'content.share_open',
        outcome: 'success',
        actorId: null,
        actorRole: null,
        resource: 'content.report',
        resourceId: randomUUID(),
        sourceAddress: '198.51.100.20',
        requestId: randomUUID(),
      },
      { tenantId: org.tenantId, subjectId: client.id },
    );
    const mail = await expectEventually(() => {
      const mails = smtp.to(client.email);
      expect(mails).toHaveLength(1);
      return mails[0];
    });
    expect(mail.subject).toBe('Someone from outside your care team viewed your record');
    expect(mail.raw).toContain('/contact-history');
    expect(mail.raw).not.toMatch(/Petra|Karel|report|198\.51/);
    // Other accesses of this client (e.g. the org admin's log export earlier in this file) may be
    // ingested after the opening: find it rather than assume it is the newest.
    const res = await api().get('/api/audit/me/contact-history').set('cookie', client.cookie).expect(200);
    const opened = (res.body.items as { action: string }[]).find((i) => i.action === 'content.share_open');
    expect(opened).toMatchObject({
      action: 'content.share_open',
      outsideCareTeam: true,
      basis: 'shared_report',
    });
  });
});
