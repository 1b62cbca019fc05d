import request from 'supertest';
import { randomUUID } from 'node:crypto';
import {
  announceAccount,
  expectEventually,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

/** One access of the client's data made in the walkthrough, and what the log must say of it. */
interface Access {
  step: string;
  action: string;
  actorId: string | null;
  basis: string;
}

interface LogRecord {
  action: string;
  outcome: string;
  actorId: string | null;
  subjectId: string | null;
  basis: string | null;
}

interface ContactItem {
  action: string;
  basis: string | null;
  outsideCareTeam: boolean;
  by: { name: string | null; role: string | null };
}

/**
 * Issue 12's "the log of a full README walkthrough shows every access", with real processes: the
 * README's curl walkthrough (caseload, content, messaging, a colleague link, a shared report) through
 * the gateway as the org admin, a professional, a colleague and the client. Every request that touches
 * the client's data is noted as it is made; the org admin's log search must then hold a record of each,
 * with its action, actor, subject and basis, and the client's contact history must show the care team's
 * accesses (the colleague's marked as outside the care team) and none of the client's own.
 */
describe('audit e2e: a README walkthrough through the gateway, every access in the log', () => {
  let stack: TestStack;
  let org: TestTenant;
  let adminCookie: string;
  const pro = { id: '', cookie: '', name: 'Petra Pro' };
  const colleague = { id: '', cookie: '', name: 'Jan Colleague' };
  const client = { id: '', cookie: '', name: 'Karel Client' };
  const accesses: Access[] = [];

  const api = () => request(stack.gatewayUrl);
  const noted = (access: Access) => accesses.push(access);

  beforeAll(async () => {
    stack = await startStack({}, { caseload: true, content: true, messaging: true, audit: true });
    expect((await stack.seedContent()).code).toBe(0);
    org = await stack.createTenant();
    adminCookie = (await stack.loginAs(org)).cookie;
    for (const [person, role] of [
      [pro, 'professional'],
      [colleague, 'professional'],
      [client, 'client'],
    ] as const) {
      const account = await stack.addActiveUser(org, role);
      await announceAccount(stack.prefix, org.tenantId, { id: account.id, role, displayName: person.name });
      Object.assign(person, { id: account.id, cookie: (await stack.loginAs(account)).cookie });
    }
  }, 300_000); // five services and the seeding, as real processes: generous for a loaded CI machine
  afterAll(async () => {
    await stack?.stop();
  });

  /** The seeded library's tool id by key (the library is not personal data). */
  const toolId = async (key: string): Promise<string> => {
    const [row] = await stack.db.query<{ id: string }>(`SELECT id FROM content.tool WHERE key = $1`, [key]);
    return row.id;
  };

  /** Every page of a paged listing, following `next` until it says there is no more. */
  const allPages = async <T>(
    page: (cursor: string) => Promise<{ items: T[]; next: string | null }>,
  ): Promise<T[]> => {
    const items: T[] = [];
    for (let cursor = ''; ; ) {
      const res = await page(cursor);
      items.push(...res.items);
      if (res.next === null) return items;
      cursor = res.next;
    }
  };

  it('the walkthrough, then the org admin’s log holds every access with its basis', async () => {
    // ---- Caseloads (org admin): the client joins the professional's caseload once caseload knows both.
    await expectEventually(async () => {
      const res = await api()
        .post('/api/caseload/assignments')
        .set('cookie', adminCookie)
        .send({ clientId: client.id, professionalId: pro.id });
      expect(res.status).toBe(201);
    });
    noted({
      step: 'admin assigns',
      action: 'caseload.assign',
      actorId: org.adminId,
      basis: 'organisation_admin',
    });

    // ---- The professional lists the caseload and opens the client.
    const page = await api()
      .get('/api/caseload/clients?sort=lastActivity&limit=50')
      .set('cookie', pro.cookie);
    expect(page.status).toBe(200);
    expect(page.body.items.map((i: { id: string }) => i.id)).toContain(client.id);
    noted({ step: 'caseload page', action: 'caseload.read', actorId: pro.id, basis: 'caseload_assignment' });
    await api().get(`/api/caseload/clients/${client.id}`).set('cookie', pro.cookie).expect(200);
    noted({ step: 'open client', action: 'caseload.read', actorId: pro.id, basis: 'caseload_assignment' });

    // ---- Content: a diary and a questionnaire offered; the professional reads the tools and the report.
    const assign = (key: string, extra: object = {}) =>
      expectEventually(async () => {
        const res = await api()
          .post('/api/content/assignments')
          .set('cookie', pro.cookie)
          .send({ clientId: client.id, toolId: await toolId(key), ...extra });
        expect(res.status).toBe(201);
        return res.body.id as string;
      });
    const diary = await assign('blood-glucose-diary');
    noted({ step: 'assign diary', action: 'content.assign', actorId: pro.id, basis: 'caseload_assignment' });
    await assign('phq-9', { schedule: { type: 'repeat', everyDays: 14 } });
    noted({
      step: 'assign questionnaire',
      action: 'content.assign',
      actorId: pro.id,
      basis: 'caseload_assignment',
    });
    await api().get(`/api/content/clients/${client.id}/assignments`).set('cookie', pro.cookie).expect(200);
    noted({ step: 'client’s tools', action: 'content.read', actorId: pro.id, basis: 'caseload_assignment' });

    // ---- The client writes a diary entry.
    await api()
      .post(`/api/content/assignments/${diary}/diary-entries`)
      .set('cookie', client.cookie)
      .send({ values: { glucose: 6.2, moment: 'fasting', time: '07:30' } })
      .expect(201);
    noted({ step: 'diary entry', action: 'content.write', actorId: client.id, basis: 'self' });

    await api().get(`/api/content/clients/${client.id}/report`).set('cookie', pro.cookie).expect(200);
    noted({ step: 'report', action: 'content.read', actorId: pro.id, basis: 'caseload_assignment' });

    // ---- Messaging: the professional starts the conversation and sends; the client reads it.
    const conversation = await expectEventually(async () => {
      const res = await api()
        .post('/api/messaging/conversations')
        .set('cookie', pro.cookie)
        .send({ clientId: client.id });
      expect(res.status).toBe(201);
      return res.body.id as string;
    });
    noted({ step: 'start', action: 'messaging.start', actorId: pro.id, basis: 'caseload_assignment' });
    await api()
      .post(`/api/messaging/conversations/${conversation}/messages`)
      .set('cookie', pro.cookie)
      .send({ id: randomUUID(), body: 'How did the exercise go?' })
      .expect(201);
    noted({ step: 'send', action: 'messaging.send', actorId: pro.id, basis: 'caseload_assignment' });
    const messages = await api()
      .get(`/api/messaging/conversations/${conversation}/messages?limit=50`)
      .set('cookie', client.cookie)
      .expect(200);
    expect(JSON.stringify(messages.body)).toContain('How did the exercise go?');
    noted({ step: 'client reads', action: 'messaging.read', actorId: client.id, basis: 'self' });

    // ---- A colleague link (holiday cover); the colleague opens the client.
    const validUntil = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    await api()
      .post(`/api/caseload/clients/${client.id}/links`)
      .set('cookie', pro.cookie)
      .send({ colleagueId: colleague.id, validUntil })
      .expect(201);
    noted({ step: 'link', action: 'caseload.link', actorId: pro.id, basis: 'caseload_assignment' });
    await api().get(`/api/caseload/clients/${client.id}`).set('cookie', colleague.cookie).expect(200);
    noted({
      step: 'colleague opens',
      action: 'caseload.read',
      actorId: colleague.id,
      basis: 'colleague_link',
    });

    // ---- The client shares the report; the recipient (no account) opens it.
    const share = await api()
      .post(`/api/content/clients/${client.id}/report-shares`)
      .set('cookie', client.cookie)
      .send({ days: 14, toolIds: [await toolId('blood-glucose-diary')] })
      .expect(201);
    noted({ step: 'share', action: 'content.share', actorId: client.id, basis: 'self' });
    await api().post('/api/shared-reports/open').send({ token: share.body.token }).expect(200);
    noted({ step: 'share opened', action: 'content.share_open', actorId: null, basis: 'shared_report' });

    // ---- The org admin's log search for the client holds a record of every access.
    const search = () =>
      allPages<LogRecord>(async (offset) => {
        const res = await api()
          .get(`/api/audit/records?clientId=${client.id}&outcome=success&limit=100&offset=${offset || 0}`)
          .set('cookie', adminCookie)
          .expect(200);
        const next = res.body.items.length === 100 ? String(Number(offset || 0) + 100) : null;
        return { items: res.body.items, next };
      });
    const missing = (records: LogRecord[]) =>
      accesses.filter(
        (a) =>
          !records.some(
            (r) =>
              r.action === a.action &&
              r.actorId === a.actorId &&
              r.subjectId === client.id &&
              r.basis === a.basis,
          ),
      );
    await expectEventually(async () => expect(missing(await search())).toEqual([]));
  });

  it('the client’s contact history shows the care team’s and the colleague’s accesses, not their own', async () => {
    const byOthers = accesses.filter((a) => a.actorId === pro.id || a.actorId === colleague.id);
    expect(byOthers.length).toBeGreaterThan(0);
    const nameOf = (id: string | null) => (id === pro.id ? pro.name : colleague.name);
    const history = () =>
      allPages<ContactItem>(async (before) => {
        const res = await api()
          .get(`/api/audit/me/contact-history?limit=100${before ? `&before=${before}` : ''}`)
          .set('cookie', client.cookie)
          .expect(200);
        return {
          items: res.body.items,
          next: res.body.nextBefore === null ? null : String(res.body.nextBefore),
        };
      });
    const items = await expectEventually(async () => {
      const shown = await history();
      const absent = byOthers.filter(
        (a) =>
          !shown.some((i) => i.action === a.action && i.basis === a.basis && i.by.name === nameOf(a.actorId)),
      );
      expect(absent).toEqual([]);
      return shown;
    });
    const colleagueReads = items.filter((i) => i.by.name === colleague.name);
    expect(colleagueReads.length).toBeGreaterThan(0);
    for (const item of colleagueReads)
      expect(item).toMatchObject({ basis: 'colleague_link', outsideCareTeam: true });
    for (const item of items.filter((i) => i.by.name === pro.name)) expect(item.outsideCareTeam).toBe(false);
    // None of the client's own actions (the diary entry, reading the message, the share).
    expect(items.filter((i) => i.by.name === client.name || i.basis === 'self')).toEqual([]);
  });
});
