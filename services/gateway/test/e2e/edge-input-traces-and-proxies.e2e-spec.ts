import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  startOtlpCollector,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const NUL_MESSAGE = 'must not contain a NUL character or an unpaired surrogate';

/**
 * The platform's edge rules through the real gateway: text PostgreSQL cannot store is a 400 before
 * anything is looked up, query strings never reach traces, and only configured proxies name the client.
 */
describe('gateway e2e: unstorable input, query strings in traces, trusted proxies', () => {
  let stack: TestStack;
  let tenant: TestTenant;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let audit: Awaited<ReturnType<typeof collectTopics>>;
  const auditEntries = () =>
    audit.messages.map(
      (m) =>
        JSON.parse(m.value!.toString()) as {
          subjectId: string | null;
          payload: { action: string; outcome: string; sourceAddress: string };
        },
    );

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stack = await startStack(
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' },
      { caseload: true },
    );
    tenant = await stack.createTenant();
    audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
  });
  afterAll(async () => {
    await audit?.stop();
    await stack?.stop();
    await collector?.stop();
  });

  it('answers a NUL in the login e-mail with the same 400 naming the field, whether the organisation exists or not', async () => {
    const attempt = (organisation: string) =>
      request(stack.gatewayUrl)
        .post('/api/auth/login')
        .send({ organisation, email: `${tenant.adminEmail}\u0000`, password: 'Not-the-password-1!' });
    const existing = await attempt(tenant.slug);
    const missing = await attempt(`no-such-org-${randomBytes(4).toString('hex')}`);
    for (const res of [existing, missing]) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const comparable = (body: Record<string, unknown>) => ({ ...body, requestId: '-', traceId: '-' });
    expect(comparable(existing.body)).toEqual(comparable(missing.body));
    expect(existing.body).toMatchObject({
      status: 400,
      errors: [{ path: 'email', message: NUL_MESSAGE }],
    });
  });

  it('answers a NUL in the caseload search with a 400 naming q', async () => {
    const { cookie } = await stack.loginAs(tenant);
    const res = await request(stack.gatewayUrl)
      .get('/api/caseload/clients?q=Ann%00')
      .set('cookie', cookie)
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path: 'q', message: NUL_MESSAGE }]);
  });

  it('keeps the query string of a caseload search out of every span, in the gateway and in caseload', async () => {
    const { cookie } = await stack.loginAs(tenant);
    const name = `Searchname${randomBytes(4).toString('hex')}`;
    const traceId = randomBytes(16).toString('hex');
    await request(stack.gatewayUrl)
      .get(`/api/caseload/clients?q=${name}&limit=5`)
      .set('cookie', cookie)
      .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`)
      .expect(200);
    const spans = () => collector.spans.filter((s) => s.traceId === traceId);
    await expectEventually(() => {
      const services = spans()
        .filter((s) => s.kind === 2)
        .map((s) => s.service);
      expect(services).toEqual(expect.arrayContaining(['gateway', 'caseload']));
      // caseload's query ran (pg span), so its spans are exported too.
      expect(
        spans().some((s) => s.service === 'caseload' && s.attributes['db.system'] === 'postgresql'),
      ).toBe(true);
    });
    const gatewayServer = spans().find((s) => s.service === 'gateway' && s.kind === 2)!;
    expect(gatewayServer.attributes['http.target']).toBe('/api/caseload/clients');
    for (const span of spans()) {
      expect({ span: span.name, leaked: span.text.includes(name) }).toEqual({
        span: span.name,
        leaked: false,
      });
    }
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy: rotating it does not escape the throttle', async () => {
    // This gateway trusts no proxy, so the test client (loopback) is the client, whatever it claims.
    const untrusting = await stack.startExtraGateway({ TRUSTED_PROXIES: 'none' });
    const account = await stack.addActiveUser(tenant, 'client');
    const claimed = Array.from({ length: 6 }, (_, i) => `198.51.100.${10 + i}`);
    const statuses: number[] = [];
    for (const address of claimed) {
      const res = await request(untrusting.url)
        .post('/api/auth/login')
        .set('x-forwarded-for', address)
        .send({ organisation: account.organisation, email: account.email, password: 'Not-the-password-1!' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    await expectEventually(() => {
      const mine = auditEntries().filter(
        (e) => e.subjectId === account.id && e.payload.action === 'auth.login',
      );
      expect(mine.map((e) => [e.payload.sourceAddress, e.payload.outcome])).toEqual([
        ...Array(5).fill(['127.0.0.1', 'failure']),
        ['127.0.0.1', 'throttled'],
      ]);
    });
    expect(auditEntries().filter((e) => claimed.includes(e.payload.sourceAddress))).toEqual([]);
  });

  it('behind a trusted proxy, takes the right-most address that is not a trusted proxy', async () => {
    // The stack's gateway trusts loopback (the default outside production): the test client is the proxy.
    const account = await stack.addActiveUser(tenant, 'client');
    const [spoofed, real, secondReal] = [
      '192.0.2.66',
      `203.0.113.${1 + (randomUUID().charCodeAt(0) % 200)}`,
      '198.51.100.77',
    ];
    const guess = (forwardedFor: string) =>
      request(stack.gatewayUrl)
        .post('/api/auth/login')
        .set('x-forwarded-for', forwardedFor)
        .send({ organisation: account.organisation, email: account.email, password: 'Not-the-password-1!' })
        .expect(401);
    // The client forged the first entry; the proxy appended the address it saw.
    await guess(`${spoofed}, ${real}`);
    // A trusted hop (loopback) at the right is skipped.
    await guess(`${spoofed}, ${secondReal}, 127.0.0.1`);
    await expectEventually(() => {
      const mine = auditEntries().filter(
        (e) => e.subjectId === account.id && e.payload.action === 'auth.login',
      );
      expect(mine.map((e) => e.payload.sourceAddress)).toEqual([real, secondReal]);
    });
  });
});
