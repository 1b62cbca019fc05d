import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Region } from '@therapy-room/contracts';
import {
  expectEventually,
  scanAllRecords,
  scanAllTables,
  startSmtpSink,
  startTestRegions,
  type TestRegions,
  type TestStack,
} from '@therapy-room/testing';

// Two regions side by side (two PostgreSQL, two brokers, MirrorMaker 2, seven services each): the
// flow at home makes some forty calls and waits on events across services; no sleeps anywhere.
jest.setTimeout(240_000);

/**
 * Data residency, proved by scanning: an organisation of one region runs its whole flow starting at
 * the other region's address; afterwards every row of every table of every schema of the other
 * region's PostgreSQL and every record of every topic of its Kafka (DLQs included) is searched for the
 * organisation's ids, e-mail addresses, names and texts. The only hit allowed is its directory entry
 * (tenant id and slug, on the MirrorMaker 2 mirror topic). The home region is scanned as well, as the
 * control that the scan finds what is there.
 */
describe('residency: two regions, each organisation’s data in its home region only', () => {
  let regions: TestRegions;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    regions = await startTestRegions(['eea', 'uk'], { SMTP_URL: smtp.url });
    // Two PostgreSQL, two brokers, MirrorMaker 2 and fourteen service processes, one after the other:
    // about 3 minutes alone, up to 8 on a loaded two-core machine.
  }, 480_000);
  afterAll(async () => {
    await regions?.stop();
    await smtp?.stop();
  });

  describe.each([
    ['uk', 'eea'],
    ['eea', 'uk'],
  ] as const)('an organisation of %s starting at the %s address', (home: Region, other: Region) => {
    const run = randomUUID().slice(0, 8);
    const texts = {
      circle: `My circle ${run}: worry leads to staying in`,
      diaryNote: `Slept badly after the call ${run}`,
      message: `How did the exercise go this week ${run}?`,
      reply: `Better than last week ${run}, thank you`,
    };
    const needles = new Map<string, string>();
    let homeStack: TestStack;
    let otherStack: TestStack;

    const invite = async (
      stack: TestStack,
      cookie: string,
      role: 'professional' | 'client',
      name: string,
    ) => {
      const email = `${role}-${run}@${home}-clinic.example`;
      const res = await request(stack.gatewayUrl)
        .post('/api/users')
        .set('cookie', cookie)
        .send({ email, displayName: name, role })
        .expect(201);
      const mail = await expectEventually(() => {
        const [found] = smtp.to(email);
        expect(found).toBeDefined();
        return found;
      });
      const token = /\/activate\?token=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/.exec(mail.raw)?.[1];
      const password = `Residency-${run}-Passphrase!`;
      await request(stack.gatewayUrl).post('/api/auth/activate').send({ token, password }).expect(200);
      return { id: res.body.id as string, email, password, name };
    };

    it('runs the whole flow: redirected at the other address, then caseload, tools, messages, a shared report, an export and an erasure request at home', async () => {
      homeStack = regions.regions[home].stack;
      otherStack = regions.regions[other].stack;
      // The other region learns of the organisation from its directory entry (MirrorMaker 2). Waiting
      // on the gateway's directory metric, not on a login: a login there before the entry arrives
      // would be evaluated there (an unknown organisation's throttle charge and audit entry).
      const directorySize = async () => {
        const text = await (await fetch(otherStack.gatewayMetricsUrl!)).text();
        const line = text
          .split('\n')
          .find(
            (l) =>
              l.startsWith('therapy_room_directory_organisations') && l.includes(`home_region="${home}"`),
          );
        return Number(line?.split(' ').pop() ?? 0);
      };
      const before = await directorySize();
      const tenant = await homeStack.createTenant({ slug: `${home}-clinic-${run}` });
      needles.set('tenant id', tenant.tenantId).set('slug', tenant.slug);
      needles.set('admin id', tenant.adminId).set('admin e-mail', tenant.adminEmail);
      const login = { organisation: tenant.slug, email: tenant.adminEmail, password: tenant.adminPassword };
      await expectEventually(async () => expect(await directorySize()).toBe(before + 1), {
        timeoutMs: 90_000,
      });
      // Throttle rows hold hashed keys, which no search finds: they are counted instead.
      const throttleRows = async () => {
        const [row] = await otherStack.db.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM identity.login_throttle) + (SELECT count(*) FROM identity.login_address_throttle)
                + (SELECT count(*) FROM identity.login_account_throttle) + (SELECT count(*) FROM identity.session) AS n`,
        );
        return Number(row.n);
      };
      const otherRowsBefore = await throttleRows();
      await request(otherStack.gatewayUrl).post('/api/auth/login').send(login).expect(421);
      const redirected = await request(otherStack.gatewayUrl)
        .post('/api/auth/login')
        .set('sec-fetch-mode', 'navigate')
        .send(login)
        .expect(307);
      expect(redirected.headers.location).toBe(`${homeStack.gatewayUrl}/api/auth/login`);
      await request(otherStack.gatewayUrl)
        .post('/api/auth/password-reset/request')
        .send({ organisation: tenant.slug, email: tenant.adminEmail })
        .expect(421);
      const sso = await request(otherStack.gatewayUrl)
        .get(`/api/auth/sso/${tenant.slug}/start`)
        .set('sec-fetch-mode', 'navigate')
        .expect(307);
      expect(sso.headers.location).toBe(`${homeStack.gatewayUrl}/api/auth/sso/${tenant.slug}/start`);

      // The browser follows the redirect: the login happens at home.
      const admin = (await homeStack.loginAs(tenant)).cookie;
      // A home session presented at the other address is refused there.
      await request(otherStack.gatewayUrl).get('/api/me').set('cookie', admin).expect(401);
      expect(await throttleRows()).toBe(otherRowsBefore);

      const pro = await invite(homeStack, admin, 'professional', `Petra Professional ${run}`);
      const client = await invite(homeStack, admin, 'client', `Karel Client ${run}`);
      for (const [label, person] of [
        ['professional', pro],
        ['client', client],
      ] as const) {
        needles
          .set(`${label} id`, person.id)
          .set(`${label} e-mail`, person.email)
          .set(`${label} name`, person.name);
      }
      const api = () => request(homeStack.gatewayUrl);
      await expectEventually(async () => {
        const res = await api()
          .post('/api/caseload/assignments')
          .set('cookie', admin)
          .send({ clientId: client.id, professionalId: pro.id });
        expect(res.status).toBe(201);
        needles.set('caseload assignment id', res.body.id);
      });
      const proCookie = (await homeStack.loginAs({ organisation: tenant.slug, ...pro })).cookie;
      const clientCookie = (await homeStack.loginAs({ organisation: tenant.slug, ...client })).cookie;
      await request(otherStack.gatewayUrl).get('/api/caseload/clients').set('cookie', proCookie).expect(401);
      await api().get(`/api/caseload/clients/${client.id}`).set('cookie', proCookie).expect(200);

      expect((await homeStack.seedContent()).code).toBe(0);
      const library = await api().get('/api/content/library').set('cookie', proCookie).expect(200);
      const tool = (key: string) =>
        (library.body.items as { key: string; id: string }[]).find((i) => i.key === key)!.id;
      const offer = (toolId: string) =>
        expectEventually(async () => {
          const res = await api()
            .post('/api/content/assignments')
            .set('cookie', proCookie)
            .send({ clientId: client.id, toolId });
          expect(res.status).toBe(201);
          return res.body.id as string;
        });
      const moduleId = await offer(tool('cbt-low-mood'));
      const diaryId = await offer(tool('mood-diary'));
      const questionnaireId = await offer(tool('phq-9'));
      needles.set('module assignment id', moduleId).set('diary assignment id', diaryId);
      needles.set('questionnaire assignment id', questionnaireId);
      await api()
        .put(`/api/content/assignments/${moduleId}/pages/session-1/the-circle`)
        .set('cookie', clientCookie)
        .send({ answers: { 'mood-now': 4, 'my-circle': texts.circle }, completed: true })
        .expect(200);
      await api()
        .post(`/api/content/assignments/${diaryId}/diary-entries`)
        .set('cookie', clientCookie)
        .send({ values: { mood: 4, anxiety: 6, sleep: 5.5, note: texts.diaryNote } })
        .expect(201);
      const phq9 = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`phq9-${i + 1}`, i % 3]));
      await api()
        .post(`/api/content/assignments/${questionnaireId}/responses`)
        .set('cookie', clientCookie)
        .send({ answers: phq9 })
        .expect(201);

      const conversationId = await expectEventually(async () => {
        const res = await api()
          .post('/api/messaging/conversations')
          .set('cookie', proCookie)
          .send({ clientId: client.id });
        expect(res.status).toBe(201);
        return res.body.id as string;
      });
      needles.set('conversation id', conversationId);
      for (const [cookie, body, label] of [
        [proCookie, texts.message, 'message id'],
        [clientCookie, texts.reply, 'reply id'],
      ] as const) {
        const id = randomUUID();
        await api()
          .post(`/api/messaging/conversations/${conversationId}/messages`)
          .set('cookie', cookie)
          .send({ id, body })
          .expect(201);
        needles.set(label, id);
      }

      const share = await api()
        .post(`/api/content/clients/${client.id}/report-shares`)
        .set('cookie', clientCookie)
        .send({ days: 7 })
        .expect(201);
      needles.set('report share id', share.body.id);
      await api().post('/api/shared-reports/open').send({ token: share.body.token }).expect(200);
      for (const [label, text] of Object.entries(texts)) needles.set(`text: ${label}`, text);

      // The client's export (a fresh sign-in: asking for one's own export needs it), assembled by
      // content and messaging and packed by retention at home, then fetched once.
      const freshClient = (await homeStack.loginAs({ organisation: tenant.slug, ...client })).cookie;
      const exported = await api()
        .post('/api/retention/requests')
        .set('cookie', freshClient)
        .send({ kind: 'export' })
        .expect(201);
      needles.set('export request id', exported.body.id);
      await expectEventually(
        async () => {
          const res = await api().get(`/api/retention/requests/${exported.body.id}`).set('cookie', admin);
          expect(res.body.state).toBe('completed');
        },
        { timeoutMs: 60_000 },
      );
      const link = await api()
        .post(`/api/retention/requests/${exported.body.id}/download-link`)
        .set('cookie', freshClient)
        .send({})
        .expect(200);
      // The package is fetched at home only: the other region does not know the session.
      await request(otherStack.gatewayUrl)
        .post('/api/retention/downloads')
        .set('cookie', freshClient)
        .send({ token: link.body.token })
        .expect(401);
      const pkg = await api()
        .post('/api/retention/downloads')
        .set('cookie', freshClient)
        .send({ token: link.body.token })
        .expect(200);
      expect(JSON.stringify(pkg.body)).toContain(texts.reply);
      // And the client's erasure request. It is kept at home either way: in the EEA it waits for an org
      // admin's approval; in the UK the country's retention period refuses it (409, with the date it
      // becomes possible). Nothing is erased, so the home scan below still finds what the flow made.
      const erasure = await api()
        .post('/api/retention/requests')
        .set('cookie', freshClient)
        .send({ kind: 'erasure' })
        .expect(home === 'uk' ? 409 : 201);
      if (home === 'uk') expect(erasure.body.code).toBe('RETENTION_PERIOD_NOT_ENDED');
      const requests = await api()
        .get(`/api/retention/requests?clientId=${client.id}`)
        .set('cookie', admin)
        .expect(200);
      const erasureRequest = (requests.body.items as { id: string; kind: string; state: string }[]).find(
        (r) => r.kind === 'erasure',
      )!;
      expect(erasureRequest.state).toBe(home === 'uk' ? 'refused' : 'requested');
      needles.set('erasure request id', erasureRequest.id);

      // Audit's record of the flow (the client's contact history) is kept at home, with its pseudonyms.
      await expectEventually(async () => {
        const history = await api().get('/api/audit/me/contact-history').set('cookie', clientCookie);
        expect(history.status).toBe(200);
        expect(JSON.stringify(history.body)).toContain('report');
      });
    });

    it('leaves nothing of the organisation in the other region but its directory entry', async () => {
      const infra = regions.regions[other];
      const [database, kafka] = await Promise.all([
        scanAllTables(infra.postgres.adminUrl()),
        scanAllRecords(infra.brokers),
      ]);
      const directoryTopic = `${home}.${regions.prefix}identity.directory-entry.published.v1`;
      const hits: { needle: string; where: string }[] = [];
      for (const [needle, value] of needles) {
        for (const row of database.rows)
          if (row.text.includes(value)) hits.push({ needle, where: row.where });
        for (const record of kafka.records)
          if (record.text.includes(value)) hits.push({ needle, where: `topic ${record.topic}` });
      }
      const databases = [...new Set(database.tables.map((t) => t.database))];
      process.stdout.write(
        `residency scan of ${other} for an organisation of ${home}: ${needles.size} values searched in ` +
          `${database.rows.length} rows of ${database.tables.length} tables (${databases.length} databases: ${databases.join(', ')}; ` +
          `schemas ${[...new Set(database.tables.map((t) => t.schema))].join(', ')}) and ${kafka.records.length} records of ` +
          `${kafka.topics.length} topics (${kafka.topics.filter((t) => t.endsWith('.dlq')).length} DLQs); hits: ` +
          `${hits.map((h) => `${h.needle} in ${h.where}`).join('; ') || 'none'}\n`,
      );
      const allowed = (h: { needle: string; where: string }) =>
        h.where === `topic ${directoryTopic}` && (h.needle === 'tenant id' || h.needle === 'slug');
      expect(hits.filter((h) => !allowed(h))).toEqual([]);
      expect(
        hits
          .filter(allowed)
          .map((h) => h.needle)
          .sort(),
      ).toEqual(expect.arrayContaining(['slug', 'tenant id']));
    });

    it('finds the organisation’s ids, e-mail addresses and names at home, and its texts sealed there too', async () => {
      const infra = regions.regions[home];
      const [database, kafka] = await Promise.all([
        scanAllTables(infra.postgres.adminUrl()),
        scanAllRecords(infra.brokers),
      ]);
      const found = (value: string) =>
        database.rows.some((r) => r.text.includes(value)) ||
        kafka.records.some((r) => r.text.includes(value));
      const missing = [...needles].filter(([label, value]) => !label.startsWith('text:') && !found(value));
      expect(missing).toEqual([]);
      // Free text is sealed with the client's key at rest and never travels in events.
      const inClear = [...needles].filter(([label, value]) => label.startsWith('text:') && found(value));
      expect(inClear).toEqual([]);
    });
  });
});
