import { request as httpRequest } from 'node:http';
import { startStack, type TestStack, type TestTenant } from '@therapy-room/testing';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends a request with its path exactly as given: an HTTP client library would normalise `%2e%2e`
 * or `..` away before it leaves, and the point here is what the gateway does with them.
 */
function raw(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};
const PROBLEM_FIELDS = new Set(['type', 'title', 'status', 'detail', 'requestId', 'traceId', 'errors']);

/** A problem answer and nothing else: no token, no actor, no health report, no internal path. */
function expectProblem(res: RawAnswer, statuses: number[]) {
  expect(statuses).toContain(res.status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(Object.keys(body).filter((k) => !PROBLEM_FIELDS.has(k))).toEqual([]);
  expect(res.text).not.toMatch(/sessions|resolve|health|identity|token|userId/i);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name]).toBe(value);
}

describe('gateway e2e: routing is a boundary (raw paths, methods, error answers)', () => {
  let stack: TestStack;
  let tenant: TestTenant;
  let cookie: string;
  let sessionToken: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    raw(stack.gatewayUrl, 'POST', path, {
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    // Warnings and errors are kept, so that the log can be checked for "upstream unreachable".
    stack = await startStack({ LOG_LEVEL: 'warn' });
    tenant = await stack.createTenant();
    cookie = (await stack.loginAs(tenant)).cookie;
    sessionToken = cookie.slice(cookie.indexOf('=') + 1);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  // Each of these reached identity's /sessions/resolve (answering the actor), identity's /auth/login
  // (answering a raw session token in the body) or a service's /health/ready before the gateway
  // parsed paths itself: fetch normalised the string-joined upstream path.
  const toSessionResolve = [
    '/api/users/%2e%2e/sessions/resolve',
    '/api/users/%2E%2E/sessions/resolve',
    '/api/users/.%2E/sessions/resolve',
    '/api/users/%2e./sessions/resolve',
    '/api/users/../sessions/resolve',
    '/api/me/%2e%2e/sessions/resolve',
    '/api/users/x/%2e%2e/%2e%2e/sessions/resolve',
    '/api/users/..%2fsessions/resolve',
    '/api/users/%2e%2e%2Fsessions%2Fresolve',
    '/api/users/..%5csessions/resolve',
    '/api/users/..\\sessions\\resolve',
    '/api/users\\..\\sessions/resolve',
    '/api/users//../sessions/resolve',
    '/api/users/%252e%252e/sessions/resolve',
    '/api/users/%00/../sessions/resolve',
    '/api/users/%2e%2e%00/sessions/resolve',
    '/api/users/%/../sessions/resolve',
    '/api/users/%EF%BC%8E%EF%BC%8E/sessions/resolve',
    '/api/%2e%2e/sessions/resolve',
    '/api/sessions/resolve',
    '/sessions/resolve',
    '/api/shared-reports/%2e%2e/%2e%2e/sessions/resolve',
  ];
  const toLogin = [
    '/api/auth/activate/%2e%2e/login',
    '/api/auth/activate/.%2e/login',
    '/api/auth/password-reset/..%2f..%2fauth/login',
    '/api/auth/login/second-factor/enrol/%2e%2e/%2e%2e',
    '/api/auth/login/second-factor/enrol/..\\..',
    '/api/users/%2e%2e/auth/login',
    '/api/auth/login/',
    '/api//auth/login',
    '/auth/login',
  ];
  const toHealth = [
    '/api/users/%2e%2e/health/ready',
    '/api/auth/activate/%2e%2e/%2e%2e/health/ready',
    '/api/shared-reports/%2e%2e/health/ready',
    '/api/caseload/.%2e/health/ready',
    '/api/messaging/%2E%2E/health/ready',
    '/api/health/ready',
    '/health/%2e%2e/health/ready',
  ];

  it.each(toSessionResolve)('%s never reaches /sessions/resolve (400 or 404)', async (path) => {
    expectProblem(await post(path, { token: sessionToken }), [400, 404]);
  });

  it.each(toLogin)('%s never reaches /auth/login (400 or 404)', async (path) => {
    const body = { organisation: tenant.slug, email: tenant.adminEmail, password: tenant.adminPassword };
    expectProblem(await post(path, body), [400, 404]);
  });

  it.each(toHealth)('%s never reaches a service health check (400 or 404)', async (path) => {
    expectProblem(await raw(stack.gatewayUrl, 'GET', path, { headers: { cookie } }), [400, 404]);
  });

  it('still forwards what is routed, with the query passed on as parameters', async () => {
    const me = await raw(stack.gatewayUrl, 'GET', '/api/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    const users = await raw(stack.gatewayUrl, 'GET', '/api/users?limit=1&offset=0', {
      headers: { cookie },
    });
    expect(users.status).toBe(200);
    expect(JSON.parse(users.text).items).toHaveLength(1);
    const bad = await raw(stack.gatewayUrl, 'GET', '/api/users?limit=%zz', { headers: { cookie } });
    expectProblem(bad, [400]);
  });

  it('answers an unknown route with one generic 404 that names no internal path', async () => {
    for (const path of [
      '/api/no-such-thing',
      '/api/sessions/resolve',
      '/api',
      '/',
      '/internal/x?secret=1',
      '/health/x',
    ]) {
      const res = await raw(stack.gatewayUrl, 'GET', path, { headers: { cookie } });
      expectProblem(res, [404]);
      expect(JSON.parse(res.text).detail).toBe('Not found.');
      expect(res.text).not.toContain(path);
    }
  });

  it('refuses TRACE, OPTIONS and other methods with 405, never a 503', async () => {
    for (const method of ['TRACE', 'OPTIONS', 'PROPFIND', 'PURGE']) {
      for (const path of ['/api/me', '/api/auth/activate']) {
        const res = await raw(stack.gatewayUrl, method, path, { headers: { cookie } });
        expectProblem(res, [405]);
        expect(res.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
      }
    }
    expect(stack.gateway.logs.filter((l) => l.includes('upstream unreachable'))).toEqual([]);
  });

  it('answers a body nested too deeply to forward with 400, never a 503', async () => {
    const nested = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const headers = { 'content-type': 'application/json', cookie };
    for (const path of ['/api/auth/login', '/api/auth/activate', '/api/users']) {
      const res = await raw(stack.gatewayUrl, 'POST', path, { headers, body: `{"x":${nested}}` });
      expectProblem(res, [400]);
    }
    expect(stack.gateway.logs.filter((l) => l.includes('upstream unreachable'))).toEqual([]);
  });

  it('puts the security headers on every answer, body-parser errors included', async () => {
    const json = { 'content-type': 'application/json' };
    const answers: [RawAnswer, number][] = [
      [
        await raw(stack.gatewayUrl, 'POST', '/api/auth/login', { headers: json, body: '{"organisation":' }),
        400,
      ],
      [
        await raw(stack.gatewayUrl, 'POST', '/api/auth/login', {
          headers: json,
          body: JSON.stringify({ password: 'x'.repeat(200_000) }),
        }),
        413,
      ],
      [
        await raw(stack.gatewayUrl, 'POST', '/api/auth/login', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'organisation=x',
        }),
        415,
      ],
      [
        await raw(stack.gatewayUrl, 'POST', '/api/auth/login', {
          headers: { ...json, 'content-encoding': 'x-unknown' },
          body: '{}',
        }),
        415,
      ],
      [
        await raw(stack.gatewayUrl, 'POST', '/api/auth/login', {
          headers: { ...json, 'sec-fetch-site': 'cross-site' },
          body: '{}',
        }),
        403,
      ],
      [await raw(stack.gatewayUrl, 'GET', '/api/no-such-thing'), 404],
      [await raw(stack.gatewayUrl, 'GET', '/no-such-thing'), 404],
      [await raw(stack.gatewayUrl, 'GET', '/api/users/%2e%2e/me'), 400],
      [await raw(stack.gatewayUrl, 'GET', '/api/me'), 401],
      [await raw(stack.gatewayUrl, 'TRACE', '/api/me'), 405],
    ];
    for (const [res, status] of answers) expectProblem(res, [status]);
    const ok = await raw(stack.gatewayUrl, 'GET', '/api/me', { headers: { cookie } });
    expect(ok.status).toBe(200);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(ok.headers[name]).toBe(value);
  });
});
