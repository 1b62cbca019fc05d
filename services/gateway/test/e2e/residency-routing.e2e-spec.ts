import request from 'supertest';
import { v7 as uuidv7, v4 as uuidv4 } from 'uuid';
import { auditEntryRecordedV1, identityDirectoryEntryPublishedV1 } from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  publishRaw,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const UK_BASE = 'https://uk.therapy-room.test';

/**
 * Data residency at the gateway (EEA region): a flow naming a UK organisation leaves before anything is
 * evaluated. The UK directory entries arrive on the mirror topic, as MirrorMaker 2 writes them
 * (`uk.<topic>`); here the test writes them, MirrorMaker 2 itself is tested in tools/kafka.
 */
describe('gateway e2e: residency routing by the organisation directory', () => {
  let stack: TestStack;
  let local: TestTenant;
  let audit: Awaited<ReturnType<typeof collectTopics>>;
  const ukSlug = `uk-clinic-${uuidv4().slice(0, 8)}`;
  const mirrorTopic = () => `uk.${stack.prefix}${identityDirectoryEntryPublishedV1.topic}`;
  const directoryEntry = (slug: string, region: 'uk' | 'eea', payloadRegion = region) => {
    const tenantId = uuidv4();
    return {
      key: tenantId,
      value: JSON.stringify({
        id: uuidv7(),
        type: identityDirectoryEntryPublishedV1.topic,
        occurredAt: new Date().toISOString(),
        tenantId,
        region,
        subjectId: null,
        traceparent: null,
        payload: { tenantId, slug, region: payloadRegion, baseUrl: UK_BASE },
      }),
    };
  };
  const login = (organisation: string, headers: Record<string, string> = {}) =>
    request(stack.gatewayUrl)
      .post('/api/auth/login')
      .set(headers)
      .send({ organisation, email: 'someone@uk-clinic.example', password: 'Not-The-Password-1!' });
  const throttleRows = async () => {
    const [row] = await stack.db.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM identity.login_throttle) + (SELECT count(*) FROM identity.login_address_throttle)
            + (SELECT count(*) FROM identity.login_account_throttle) AS n`,
    );
    return Number(row.n);
  };
  const loginAuditEntries = () =>
    audit.messages
      .map((m) => JSON.parse(m.value!.toString('utf8')) as { payload: { action: string } })
      .filter((e) => e.payload.action === 'auth.login');

  beforeAll(async () => {
    stack = await startStack({ LOG_LEVEL: 'info' });
    local = await stack.createTenant();
    audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
    await publishRaw(mirrorTopic(), [directoryEntry(ukSlug, 'uk')]);
    // The gateway reads the mirror continuously: the UK organisation is routed once its entry is read.
    await expectEventually(async () => expect((await login(ukSlug)).status).toBe(421));
  });
  afterAll(async () => {
    await audit?.stop();
    await stack?.stop();
  });

  it('is ready only with its directory loaded (the gateway has no database)', async () => {
    const ready = await request(stack.gatewayUrl).get('/health/ready').expect(200);
    expect(ready.body.info).toEqual({ 'organisation-directory': { status: 'up' } });
  });

  it("answers an API client's login for a UK organisation 421 with the UK base URL, and a browser's 307 there", async () => {
    const api = await login(ukSlug).expect(421);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.body).toMatchObject({
      status: 421,
      title: 'Misdirected Request',
      code: 'OTHER_REGION',
      region: 'uk',
      baseUrl: UK_BASE,
    });
    const browser = await login(ukSlug, {
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'same-origin',
    }).expect(307);
    expect(browser.headers.location).toBe(`${UK_BASE}/api/auth/login`);
    expect(browser.headers['cache-control']).toBe('no-store');
  });

  it('routes the password reset request and the single sign-on start the same way, query kept', async () => {
    const reset = await request(stack.gatewayUrl)
      .post('/api/auth/password-reset/request')
      .send({ organisation: ukSlug, email: 'someone@uk-clinic.example' })
      .expect(421);
    expect(reset.body).toMatchObject({ region: 'uk', baseUrl: UK_BASE });
    const sso = await request(stack.gatewayUrl)
      .get(`/api/auth/sso/${ukSlug}/start?lang=en`)
      .set('sec-fetch-mode', 'navigate')
      .expect(307);
    expect(sso.headers.location).toBe(`${UK_BASE}/api/auth/sso/${ukSlug}/start?lang=en`);
  });

  it("routes the links a UK organisation's mails and shares carry: their pages (307) and their tokens' calls (421), nothing evaluated here", async () => {
    const token = 'A'.repeat(43);
    const password = 'Not-The-Password-1!';
    const logsBefore = stack.gateway.logs.length;
    for (const [path, body] of [
      ['/api/auth/activate', { token, password, organisation: ukSlug }],
      ['/api/auth/password-reset/confirm', { token, password, organisation: ukSlug }],
      ['/api/shared-reports/open', { token, organisation: ukSlug }],
    ] as const) {
      const api = await request(stack.gatewayUrl).post(path).send(body).expect(421);
      expect(api.body).toMatchObject({ code: 'OTHER_REGION', region: 'uk', baseUrl: UK_BASE });
    }
    for (const target of [
      `/activate?token=${token}&organisation=${ukSlug}`,
      `/reset-password?token=${token}&organisation=${ukSlug}`,
      `/shared?organisation=${ukSlug}`,
    ]) {
      const page = await request(stack.gatewayUrl).get(target).set('sec-fetch-mode', 'navigate').expect(307);
      expect(page.headers.location).toBe(`${UK_BASE}${target}`);
      expect(page.headers['cache-control']).toBe('no-store');
    }
    // The gateway's log lines arrive from its process after the answers: waited for, not slept on (and
    // an earlier test's may still arrive: only the links' flows are counted).
    const routed = await expectEventually(() => {
      const lines = stack.gateway.logs
        .slice(logsBefore)
        .filter((l) => l.includes('routed to home region') && /"flow":"[a-z-]+-link"/.test(l));
      expect(lines).toHaveLength(6);
      return lines;
    });
    expect(routed.map((l) => (JSON.parse(l) as { flow: string }).flow).sort()).toEqual(
      [
        'activation-link',
        'activation-link',
        'password-reset-link',
        'password-reset-link',
        'shared-report-link',
        'shared-report-link',
      ].sort(),
    );
    // Neither the routing lines nor the request lines of the pages name the token or the slug (the
    // request log has the path without its query; the calls' bodies are never logged).
    const linkPaths = ['/activate', '/reset-password', '/shared'];
    const pathOf = (line: string) => {
      try {
        return (JSON.parse(line) as { path?: string }).path ?? '';
      } catch {
        return '';
      }
    };
    const requestLines = await expectEventually(() => {
      const lines = stack.gateway.logs.slice(logsBefore).filter((l) => linkPaths.includes(pathOf(l)));
      expect(lines).toHaveLength(3);
      return lines;
    });
    for (const line of [...routed, ...requestLines]) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(ukSlug);
    }

    // The control: a local organisation's link, and a link from before links named one, are forwarded
    // here: identity answers an unknown token as invalid; content is not started in this stack, so the
    // gateway answers its 503 for the shared report (not 421).
    for (const organisation of [{ organisation: local.slug }, {}]) {
      const activation = await request(stack.gatewayUrl)
        .post('/api/auth/activate')
        .send({ token, password, ...organisation })
        .expect(400);
      expect(activation.body.code).toBe('LINK_INVALID');
      await request(stack.gatewayUrl)
        .post('/api/shared-reports/open')
        .send({ token, ...organisation })
        .expect(503);
    }
  });

  it('leaves nothing in this region for a routed flow (no throttle row, no audit entry), only a log line without personal data', async () => {
    const rowsBefore = await throttleRows();
    const entriesBefore = loginAuditEntries().length;
    const logsBefore = stack.gateway.logs.length;
    await login(ukSlug).expect(421);
    await login(ukSlug, { 'sec-fetch-mode': 'navigate' }).expect(307);
    expect(await throttleRows()).toBe(rowsBefore);
    // The control: an unknown organisation's failed login goes through identity, which charges the
    // throttle and records one audit entry. Once that entry is here, anything the routed logins had
    // added to identity's outbox before it would be too (the relay sends in order).
    await login(`unknown-${uuidv4().slice(0, 8)}`).expect(401);
    expect(await throttleRows()).toBeGreaterThan(rowsBefore);
    await expectEventually(() => expect(loginAuditEntries().length).toBe(entriesBefore + 1));
    // The relay deletes what it sent after Kafka took it (the entry can be read a moment before): once
    // the outbox is empty, everything in it was sent, and only the control's entry came.
    await expectEventually(async () => {
      const [outbox] = await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM identity.outbox`);
      expect(Number(outbox.n)).toBe(0);
    });
    expect(loginAuditEntries().length).toBe(entriesBefore + 1);

    const routed = stack.gateway.logs.slice(logsBefore).filter((l) => l.includes('routed to home region'));
    expect(routed).toHaveLength(2);
    for (const line of routed) {
      expect(JSON.parse(line)).toMatchObject({ flow: 'login', toRegion: 'uk' });
      expect(line).not.toContain('someone@uk-clinic.example');
      expect(line).not.toContain(ukSlug);
    }
  });

  it('answers an unknown organisation exactly as before: the same 401 as a wrong password', async () => {
    const unknown = await login(`unknown-${uuidv4().slice(0, 8)}`).expect(401);
    const wrongPassword = await request(stack.gatewayUrl)
      .post('/api/auth/login')
      .send({ organisation: local.slug, email: local.adminEmail, password: 'Not-The-Password-1!' })
      .expect(401);
    const withoutIds = (body: Record<string, unknown>) => ({ ...body, requestId: null, traceId: null });
    expect(withoutIds(unknown.body)).toEqual(withoutIds(wrongPassword.body));
    expect(unknown.headers['content-type']).toBe(wrongPassword.headers['content-type']);
  });

  it("publishes each organisation's entry from identity, and never lets another region's mirror take a local slug or an entry claim a region its topic is not", async () => {
    const directory = await collectTopics([`${stack.prefix}${identityDirectoryEntryPublishedV1.topic}`]);
    try {
      await expectEventually(() =>
        expect(directory.messages.map((m) => JSON.parse(m.value!.toString('utf8')))).toContainEqual(
          expect.objectContaining({
            tenantId: local.tenantId,
            region: 'eea',
            payload: {
              tenantId: local.tenantId,
              slug: local.slug,
              region: 'eea',
              baseUrl: expect.any(String),
            },
          }),
        ),
      );
      // Every start publishes every entry again (a new or emptied directory topic is whole again).
      await stack.restart('identity', {});
      await expectEventually(() =>
        expect(
          directory.messages.filter((m) => JSON.parse(m.value!.toString('utf8')).tenantId === local.tenantId),
        ).toHaveLength(2),
      );
    } finally {
      await directory.stop();
    }
    const claimed = `claimed-${uuidv4().slice(0, 8)}`;
    await publishRaw(mirrorTopic(), [
      directoryEntry(local.slug, 'uk'),
      directoryEntry(claimed, 'eea'),
      directoryEntry(claimed, 'uk', 'eea'),
    ]);
    // A gateway that starts reads the whole directory before it is ready: no waiting on order.
    await stack.restart('gateway', {});
    await login(ukSlug).expect(421);
    await login(claimed).expect(401);
    const done = await stack.loginAs(local);
    expect(done.cookie).toBeTruthy();
  });
});
