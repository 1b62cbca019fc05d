import request from 'supertest';
import { createHash } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  startOidcProvider,
  startSmtpSink,
  startStack,
  type OidcTestAccount,
  type TestOidcProvider,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const PUBLIC_URL = 'https://therapy-room.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/auth/sso/callback`;
const RS_CLIENT = { client_id: 'therapy-room', client_secret: 'rs-client-secret-0123456789-abcdefghij' };
const ES_CLIENT = { client_id: 'therapy-room-es', client_secret: 'es-client-secret-0123456789-abcdefghij' };
const SESSION = '__Host-tr_session';
const SSO = '__Host-tr_sso';
const DEVICE = '__Host-tr_device';
const SSO_FAILED = {
  status: 401,
  code: 'SSO_FAILED',
  detail: 'Single sign-on did not succeed. Try again, or contact your organisation.',
};
const NEW_SIGN_IN = 'New sign-in to your Therapy Room account';

type AuditPayload = {
  action: string;
  outcome: string;
  reason?: string;
  resource: string;
  actorId: string | null;
};

/** A browser at the gateway: keeps the cookies the gateway sets (as a browser would for this site). */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly gatewayUrl: string) {}

  get(path: string) {
    const req = request(this.gatewayUrl).get(path);
    return this.cookies.size ? req.set('cookie', this.cookieHeader()) : req;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(res: request.Response): request.Response {
    for (const set of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair] = set.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /expires=thu, 01 jan 1970/i.test(set)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

const setCookie = (res: request.Response, name: string): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const attributes = (cookie: string) =>
  cookie
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());

describe('OIDC single sign-on per organisation (gateway + identity processes, a real OpenID Provider, PostgreSQL, Kafka, SMTP)', () => {
  let provider: TestOidcProvider;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let stack: TestStack;
  let audit: Awaited<ReturnType<typeof collectTopics>>;
  const api = () => request(stack.gatewayUrl);
  const browser = () => new Browser(stack.gatewayUrl);

  const auditOf = (tenantId: string, action: string): AuditPayload[] =>
    audit.messages
      .map((m) => JSON.parse(m.value!.toString()) as { tenantId: string; payload: AuditPayload })
      .filter((e) => e.tenantId === tenantId && e.payload.action === action)
      .map((e) => e.payload);
  const refusals = (tenantId: string) =>
    auditOf(tenantId, 'auth.sso')
      .filter((p) => p.outcome === 'failure')
      .map((p) => p.reason);

  const configure = (adminCookie: string, body: Record<string, unknown>) =>
    api().put('/api/tenant/settings/sso').set('cookie', adminCookie).send(body);
  const validConfig = (overrides: Record<string, unknown> = {}) => ({
    issuer: provider.issuer,
    clientId: RS_CLIENT.client_id,
    clientSecret: RS_CLIENT.client_secret,
    allowedRoles: ['professional', 'client'],
    enabled: true,
    ...overrides,
  });
  /** A new organisation whose org admin has configured single sign-on. */
  async function ssoTenant(overrides: Record<string, unknown> = {}) {
    const tenant = await stack.createTenant();
    const admin = (await stack.loginAs(tenant)).cookie;
    await configure(admin, validConfig(overrides)).expect(200);
    return { tenant, admin };
  }

  /** Start at the gateway, log in at the provider as `account`, and come back: the callback's answer. */
  async function ssoLogin(b: Browser, tenant: TestTenant, account: OidcTestAccount) {
    const start = b.keep(await b.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    const back = await provider.authorize(start.headers.location, account);
    return b.keep(await b.get(`${back.pathname}${back.search}`));
  }
  const accountFor = (email: string, overrides: Partial<OidcTestAccount> = {}): OidcTestAccount => ({
    sub: `sub-${createHash('sha256').update(email).digest('hex').slice(0, 12)}`,
    email,
    email_verified: true,
    ...overrides,
  });
  const withoutIds = (body: Record<string, unknown>) => {
    const { requestId: _r, traceId: _t, ...rest } = body;
    return rest;
  };

  beforeAll(async () => {
    provider = await startOidcProvider({
      clients: [
        { ...RS_CLIENT, redirect_uris: [REDIRECT_URI] },
        { ...ES_CLIENT, redirect_uris: [REDIRECT_URI], id_token_signed_response_alg: 'ES256' },
      ],
    });
    smtp = await startSmtpSink();
    stack = await startStack({
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      // The provider runs on 127.0.0.1 over http: allowed for this test only (production: https, public).
      SSO_ALLOW_INSECURE_ISSUERS: 'true',
      // Logs on, so the test can check that no secret or token ever reaches them.
      LOG_LEVEL: 'info',
    });
    audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
  });
  afterAll(async () => {
    await audit?.stop();
    await stack?.stop();
    await smtp?.stop();
    await provider?.stop();
  });

  it('lets only org admins configure it: discovery is checked, bad input is 400 field by field, the secret is stored encrypted and never answered, every change audited', async () => {
    const tenant = await stack.createTenant();
    const admin = (await stack.loginAs(tenant)).cookie;
    const pro = await stack.addActiveUser(tenant, 'professional');
    const proCookie = (await stack.loginAs(pro)).cookie;

    // Nothing configured: no single sign-on (an unknown organisation looks the same), and no cookie.
    const none = await api().get(`/api/auth/sso/${tenant.slug}/start`).expect(404);
    const unknown = await api().get('/api/auth/sso/no-such-org-q/start').expect(404);
    expect(none.body).toMatchObject({ code: 'SSO_NOT_AVAILABLE' });
    expect(withoutIds(unknown.body)).toEqual(withoutIds(none.body));
    expect(none.headers['set-cookie']).toBeUndefined();
    await api().get('/api/auth/sso/NOT_A_SLUG/start').expect(400);
    expect((await api().get('/api/tenant/settings/sso').set('cookie', admin).expect(404)).body.code).toBe(
      'SSO_NOT_CONFIGURED',
    );

    // Professionals (and anyone without a session) cannot read or change it.
    expect((await configure(proCookie, validConfig()).expect(403)).body.code).toBe('FORBIDDEN');
    await api().get('/api/tenant/settings/sso').set('cookie', proCookie).expect(403);
    await api().put('/api/tenant/settings/sso').send(validConfig()).expect(401);

    const paths = async (body: Record<string, unknown>) => {
      const res = await configure(admin, body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      return (res.body.errors as { path: string }[]).map((e) => e.path).sort();
    };
    expect(await paths({})).toEqual(['allowedRoles', 'clientId', 'enabled', 'issuer']);
    expect(await paths(validConfig({ allowedRoles: ['org_admin'] }))).toEqual(['allowedRoles.0']);
    expect(await paths(validConfig({ allowedRoles: ['client', 'platform_staff'] }))).toEqual([
      'allowedRoles.1',
    ]);
    expect(await paths(validConfig({ allowedRoles: [] }))).toEqual(['allowedRoles']);
    expect(await paths(validConfig({ extra: true }))).toEqual(['extra']);
    expect(await paths(validConfig({ issuer: 'not a url' }))).toEqual(['issuer']);
    expect(await paths(validConfig({ issuer: `${provider.issuer}?x=1` }))).toEqual(['issuer']);
    expect(await paths(validConfig({ clientId: 'x'.repeat(256) }))).toEqual(['clientId']);
    expect(await paths(validConfig({ enabled: 'yes' }))).toEqual(['enabled']);
    expect(await paths(validConfig({ clientSecret: undefined }))).toEqual(['clientSecret']);
    expect(await paths(validConfig({ allowedRoles: ['professional'], autoCreateClients: true }))).toEqual([
      'autoCreateClients',
    ]);
    // No provider there, or one whose discovery document names another issuer.
    expect(await paths(validConfig({ issuer: 'http://127.0.0.1:9' }))).toEqual(['issuer']);
    expect(await paths(validConfig({ issuer: `${provider.issuer}/` }))).toEqual(['issuer']);

    const saved = await configure(admin, validConfig({ enabled: false })).expect(200);
    expect(saved.body).toEqual({
      issuer: provider.issuer,
      clientId: RS_CLIENT.client_id,
      clientSecretSet: true,
      allowedRoles: ['professional', 'client'],
      autoCreateClients: false,
      mfaAcrValues: [],
      enabled: false,
      redirectUri: REDIRECT_URI,
      updatedAt: expect.any(String),
    });
    // Switched off: still no single sign-on.
    await api().get(`/api/auth/sso/${tenant.slug}/start`).expect(404);
    // Without a new secret the stored one is kept, for the same issuer only.
    await configure(admin, validConfig({ clientSecret: undefined })).expect(200);
    expect(
      await paths(validConfig({ issuer: 'https://another-idp.example.org', clientSecret: undefined })),
    ).toEqual(['clientSecret']);

    const read = await api().get('/api/tenant/settings/sso').set('cookie', admin).expect(200);
    expect(read.body).toEqual({ ...saved.body, enabled: true, updatedAt: expect.any(String) });
    expect(JSON.stringify(read.body)).not.toContain(RS_CLIENT.client_secret);
    const [row] = await stack.db.query<{ client_secret_ciphertext: Buffer }>(
      `SELECT client_secret_ciphertext FROM identity.tenant_sso_config WHERE tenant_id = $1`,
      [tenant.tenantId],
    );
    expect(row.client_secret_ciphertext.includes(Buffer.from(RS_CLIENT.client_secret))).toBe(false);
    expect(row.client_secret_ciphertext.length).toBeGreaterThan(RS_CLIENT.client_secret.length);

    await api().delete('/api/tenant/settings/sso').set('cookie', proCookie).expect(403);
    await api().delete('/api/tenant/settings/sso').set('cookie', admin).expect(204);
    await api().get('/api/tenant/settings/sso').set('cookie', admin).expect(404);
    await api().delete('/api/tenant/settings/sso').set('cookie', admin).expect(404);

    await expectEventually(() =>
      expect(auditOf(tenant.tenantId, 'tenant.sso.changed')).toEqual([
        expect.objectContaining({
          outcome: 'success',
          actorId: tenant.adminId,
          resource: 'tenant_sso_config',
        }),
        expect.objectContaining({ outcome: 'success', actorId: tenant.adminId }),
        expect.objectContaining({ outcome: 'success', actorId: tenant.adminId }),
      ]),
    );
    const logs = stack.identity.logs.join('\n') + stack.gateway.logs.join('\n');
    expect(logs).toContain('sso configuration saved');
    expect(logs).not.toContain(RS_CLIENT.client_secret);
  });

  it('logs a professional in through the provider (code + PKCE, state, nonce) and the session cookie works on /api/me', async () => {
    const { tenant } = await ssoTenant();
    const pro = await stack.addActiveUser(tenant, 'professional');
    const b = browser();

    const start = b.keep(await b.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    const authorization = new URL(start.headers.location);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${provider.issuer}/auth`);
    const params = Object.fromEntries(authorization.searchParams);
    expect(params).toEqual({
      response_type: 'code',
      client_id: RS_CLIENT.client_id,
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(params.state).not.toBe(params.nonce);
    const binding = setCookie(start, SSO)!;
    expect(attributes(binding)).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']),
    );
    // Only hashes of state and nonce are stored, and the attempt expires in 10 minutes.
    const [stored] = await stack.db.query<{ state_hash: Buffer; nonce_hash: Buffer; minutes: string }>(
      `SELECT state_hash, nonce_hash, extract(epoch FROM expires_at - created_at) / 60 AS minutes
         FROM identity.sso_login_state WHERE tenant_id = $1`,
      [tenant.tenantId],
    );
    expect(stored.state_hash).toEqual(createHash('sha256').update(params.state).digest());
    expect(stored.nonce_hash).toEqual(createHash('sha256').update(params.nonce).digest());
    expect(Math.round(Number(stored.minutes))).toBe(10);

    // At the provider the e-mail may differ in case: identity matches it case-insensitively.
    const back = await provider.authorize(start.headers.location, accountFor(pro.email.toUpperCase()));
    expect(back.searchParams.get('state')).toBe(params.state);
    const done = b.keep(await b.get(`${back.pathname}${back.search}`).expect(303));
    expect(done.headers.location).toBe('/');
    const session = setCookie(done, SESSION)!;
    expect(attributes(session)).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/']),
    );
    expect(setCookie(done, DEVICE)).toBeDefined();
    expect(b.cookies.has(SSO)).toBe(false); // the binding cookie is cleared

    const me = await api().get('/api/me').set('cookie', session.split(';')[0]).expect(200);
    expect(me.body).toMatchObject({ id: pro.id, role: 'professional', status: 'active' });

    // The same redirect again (a replay, even from the same browser): the state was used.
    const replay = await b.get(`${back.pathname}${back.search}`).expect(401);
    expect(replay.body).toMatchObject(SSO_FAILED);
    expect(setCookie(replay, SESSION)).toBeUndefined();

    await expectEventually(() => {
      const sso = auditOf(tenant.tenantId, 'auth.sso');
      expect(sso).toEqual([
        expect.objectContaining({ outcome: 'success', actorId: pro.id, resource: 'session' }),
        expect.objectContaining({ outcome: 'failure', reason: 'state_invalid', actorId: null }),
      ]);
    });
    const logs = stack.identity.logs.join('\n') + stack.gateway.logs.join('\n');
    for (const secret of [
      back.searchParams.get('code')!,
      params.state,
      params.nonce,
      RS_CLIENT.client_secret,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('refuses a forged state, a state brought back by another browser, an expired state, a provider error and a nonce that is not the one sent', async () => {
    const { tenant } = await ssoTenant();
    const client = await stack.addActiveUser(tenant, 'client');
    const account = accountFor(client.email);

    const forged = await browser().get('/api/auth/sso/callback?code=abc&state=forged-state').expect(401);
    expect(forged.body).toMatchObject(SSO_FAILED);
    // Bad input is still 400, field by field.
    const noState = await browser().get('/api/auth/sso/callback?code=abc').expect(400);
    expect(noState.body.errors.map((e: { path: string }) => e.path)).toEqual(['state']);

    // Started in one browser, finished in another (login CSRF): refused, and the state is spent.
    const victim = browser();
    const attacker = browser();
    const start = attacker.keep(await attacker.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    const back = await provider.authorize(start.headers.location, account);
    const csrf = victim.keep(await victim.get(`${back.pathname}${back.search}`).expect(401));
    expect(csrf.body).toMatchObject(SSO_FAILED);
    expect(victim.cookies.has(SESSION)).toBe(false);
    await attacker.get(`${back.pathname}${back.search}`).expect(401);

    // Expired (older than 10 minutes).
    const late = browser();
    const lateStart = late.keep(await late.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    const lateState = new URL(lateStart.headers.location).searchParams.get('state')!;
    await stack.db.query(
      `UPDATE identity.sso_login_state SET expires_at = now() - interval '1 second' WHERE state_hash = $1`,
      [createHash('sha256').update(lateState).digest()],
    );
    const lateBack = await provider.authorize(lateStart.headers.location, account);
    await late.get(`${lateBack.pathname}${lateBack.search}`).expect(401);

    // The provider sends the browser back with an error (the user cancelled).
    const cancelled = browser();
    const cancelStart = cancelled.keep(await cancelled.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    const cancelState = new URL(cancelStart.headers.location).searchParams.get('state')!;
    await cancelled.get(`/api/auth/sso/callback?error=access_denied&state=${cancelState}`).expect(401);

    // A nonce other than the one identity sent (the ID token is bound to another request).
    const b = browser();
    const nonceStart = b.keep(await b.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    const tampered = new URL(nonceStart.headers.location);
    tampered.searchParams.set('nonce', 'a-nonce-identity-never-sent-0123456789abcdef');
    const nonceBack = await provider.authorize(tampered.toString(), account);
    const nonce = b.keep(await b.get(`${nonceBack.pathname}${nonceBack.search}`).expect(401));
    expect(nonce.body).toMatchObject(SSO_FAILED);
    expect(b.cookies.has(SESSION)).toBe(false);

    await expectEventually(() =>
      expect(refusals(tenant.tenantId)).toEqual([
        'binding_mismatch',
        'state_invalid',
        'state_invalid',
        'provider_error',
        'nonce_mismatch',
      ]),
    );
    // The forged state belongs to no organisation: audited without one.
    await expectEventually(() =>
      expect(refusals('00000000-0000-0000-0000-000000000000')).toContain('state_invalid'),
    );
    // Still nobody of this organisation has a session: the client can log in normally afterwards.
    expect((await ssoLogin(browser(), tenant, account)).status).toBe(303);
  });

  it('tells the sign-in button whether the organisation has single sign-on without recording an attempt', async () => {
    const { tenant } = await ssoTenant();
    const without = await stack.createTenant();
    const attempts = async () =>
      (
        await stack.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM identity.sso_login_state WHERE tenant_id = $1`,
          [tenant.tenantId],
        )
      )[0].n;
    const before = await attempts();
    for (let press = 0; press < 3; press++) {
      const res = await api().get(`/api/auth/sso/${tenant.slug}/available`).expect(200);
      expect(res.body).toEqual({ available: true });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // The answer is given after any write it would make: none was made.
    expect(await attempts()).toBe(before);
    // No configuration, and an unknown organisation: the same "no".
    expect((await api().get(`/api/auth/sso/${without.slug}/available`).expect(200)).body).toEqual({
      available: false,
    });
    expect((await api().get('/api/auth/sso/no-such-org-q/available').expect(200)).body).toEqual({
      available: false,
    });
    await api().get('/api/auth/sso/NOT_A_SLUG/available').expect(400);
    // Starting is what records an attempt.
    await browser().get(`/api/auth/sso/${tenant.slug}/start`).expect(303);
    expect(await attempts()).toBe(before + 1);
  });

  it('ends a refused step in a browser on the login page with a code (303 /login?sso=…), while API clients get problem+json', async () => {
    const without = await stack.createTenant();
    const navigate = (path: string) => browser().get(path).set('sec-fetch-mode', 'navigate');
    const forged = await navigate('/api/auth/sso/callback?code=abc&state=forged-state-for-a-page').expect(
      303,
    );
    expect(forged.headers.location).toBe('/login?sso=failed');
    expect(setCookie(forged, SESSION)).toBeUndefined();
    expect(forged.headers['content-type'] ?? '').not.toMatch(/json/);
    // Bad input in a browser (no state at all) is a failed sign-in too, not a JSON page.
    expect((await navigate('/api/auth/sso/callback').expect(303)).headers.location).toBe('/login?sso=failed');
    const none = await navigate(`/api/auth/sso/${without.slug}/start`).expect(303);
    expect(none.headers.location).toBe('/login?sso=not_available');
    // The app's fetch and API clients: the problem as it is.
    const api401 = await browser()
      .get('/api/auth/sso/callback?code=abc&state=forged-state-for-a-page')
      .set('sec-fetch-mode', 'cors')
      .expect(401);
    expect(api401.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(api401.body).toMatchObject(SSO_FAILED);
    await browser().get(`/api/auth/sso/${without.slug}/start`).expect(404);
  });

  it('matches the verified e-mail within the organisation only: unknown, unverified, org admin, a role not allowed, deactivated and another organisation’s account are refused alike', async () => {
    const { tenant, admin } = await ssoTenant();
    const other = await stack.createTenant();
    const elsewhere = await stack.addActiveUser(other, 'client');
    const client = await stack.addActiveUser(tenant, 'client');
    const pro = await stack.addActiveUser(tenant, 'professional');
    const deactivated = await stack.addActiveUser(tenant, 'client');
    await api().post(`/api/users/${deactivated.id}/deactivate`).set('cookie', admin).expect(200);

    const attempts = [
      accountFor(`nobody@${tenant.slug}.example`),
      accountFor(client.email, { email_verified: false }),
      accountFor(tenant.adminEmail),
      accountFor(deactivated.email),
      // Same person known to another organisation, with the same e-mail: not an account here.
      accountFor(elsewhere.email),
    ];
    const answers = [];
    for (const account of attempts) {
      const b = browser();
      const res = await ssoLogin(b, tenant, account);
      expect(res.status).toBe(401);
      expect(b.cookies.has(SESSION)).toBe(false);
      answers.push(withoutIds(res.body));
    }
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]).toMatchObject(SSO_FAILED);

    // Professionals only while the organisation allows them (the stored secret is kept).
    await configure(admin, validConfig({ clientSecret: undefined, allowedRoles: ['client'] })).expect(200);
    expect((await ssoLogin(browser(), tenant, accountFor(pro.email))).status).toBe(401);
    expect((await ssoLogin(browser(), tenant, accountFor(client.email))).status).toBe(303);

    await expectEventually(() =>
      expect(refusals(tenant.tenantId)).toEqual([
        'account_unknown',
        'email_unverified',
        'role_not_allowed',
        'account_deactivated',
        'account_unknown',
        'role_not_allowed',
      ]),
    );
    expect(refusals(other.tenantId)).toEqual([]);
  });

  it("honours the organisation's two-factor requirement: an account that needs a second factor signs in through the provider only when it asserts multi-factor authentication (amr, or an acr the organisation configured)", async () => {
    const { tenant, admin } = await ssoTenant();
    const pro = await stack.addActiveUser(tenant, 'professional');
    const client = await stack.addActiveUser(tenant, 'client');
    // Before the organisation requires 2FA: one factor at the provider is enough.
    expect((await ssoLogin(browser(), tenant, accountFor(pro.email))).status).toBe(303);
    await api()
      .put('/api/tenant/settings/two-factor')
      .set('cookie', admin)
      .send({ requiredForProfessionals: true })
      .expect(200);

    // Now a password alone at the provider is refused, with the generic answer and no session…
    for (const amr of [undefined, ['pwd'], ['otp']]) {
      const b = browser();
      const res = await ssoLogin(b, tenant, accountFor(pro.email, amr ? { amr } : {}));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject(SSO_FAILED);
      expect(b.cookies.has(SESSION)).toBe(false);
    }
    // …and the provider's multi-factor login counts.
    for (const amr of [['pwd', 'otp'], ['mfa']]) {
      const b = browser();
      expect((await ssoLogin(b, tenant, accountFor(pro.email, { amr }))).status).toBe(303);
      await api()
        .get('/api/me')
        .set('cookie', `${SESSION}=${b.cookies.get(SESSION)}`)
        .expect(200);
    }
    // Clients are not covered by the organisation's rule: one factor at the provider is enough.
    expect((await ssoLogin(browser(), tenant, accountFor(client.email))).status).toBe(303);

    // A provider that says it with `acr`: the organisation names its multi-factor level, which is
    // then asked for at the provider and accepted in the ID token (and only that level).
    await configure(admin, validConfig({ clientSecret: undefined, mfaAcrValues: ['urn:test:loa:2'] })).expect(
      200,
    );
    const b = browser();
    const start = b.keep(await b.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    expect(new URL(start.headers.location).searchParams.get('acr_values')).toBe('urn:test:loa:2');
    expect((await ssoLogin(browser(), tenant, accountFor(pro.email, { acr: 'urn:test:loa:1' }))).status).toBe(
      401,
    );
    expect((await ssoLogin(browser(), tenant, accountFor(pro.email, { acr: 'urn:test:loa:2' }))).status).toBe(
      303,
    );

    await expectEventually(() =>
      expect(refusals(tenant.tenantId)).toEqual([
        'mfa_required',
        'mfa_required',
        'mfa_required',
        'mfa_required',
      ]),
    );
  });

  it('creates a client account (never an admin or a professional) for an unknown verified e-mail when the organisation allows it', async () => {
    const { tenant } = await ssoTenant({ autoCreateClients: true });
    const b = browser();
    const start = b.keep(await b.get(`/api/auth/sso/${tenant.slug}/start`).expect(303));
    // The display name is asked for only now (it becomes the new account's name).
    expect(new URL(start.headers.location).searchParams.get('scope')).toBe('openid email profile');
    const email = `Nina.New@${tenant.slug}.example`;
    const back = await provider.authorize(start.headers.location, {
      ...accountFor(email),
      name: 'Nina Newcomer',
    });
    const done = b.keep(await b.get(`${back.pathname}${back.search}`).expect(303));
    const me = await api()
      .get('/api/me')
      .set('cookie', `${SESSION}=${b.cookies.get(SESSION)}`)
      .expect(200);
    expect(me.body).toMatchObject({
      email: email.toLowerCase(),
      displayName: 'Nina Newcomer',
      role: 'client',
      status: 'active',
    });
    expect(setCookie(done, SESSION)).toBeDefined();
    const [row] = await stack.db.query<{ role: string; password_hash: string | null }>(
      `SELECT role, password_hash FROM identity.user_account WHERE id = $1`,
      [me.body.id],
    );
    expect(row).toEqual({ role: 'client', password_hash: null });

    // The next time it is the same account; the org admin's e-mail is still refused.
    const again = browser();
    await ssoLogin(again, tenant, accountFor(email));
    const meAgain = await api()
      .get('/api/me')
      .set('cookie', `${SESSION}=${again.cookies.get(SESSION)}`);
    expect(meAgain.body.id).toBe(me.body.id);
    expect((await ssoLogin(browser(), tenant, accountFor(tenant.adminEmail))).status).toBe(401);
    // An unverified address is never made into an account.
    const unverified = `unverified@${tenant.slug}.example`;
    expect(
      (await ssoLogin(browser(), tenant, accountFor(unverified, { email_verified: false }))).status,
    ).toBe(401);
    expect(
      await stack.db.query(`SELECT 1 FROM identity.user_account WHERE email = $1`, [unverified]),
    ).toEqual([]);
    // Someone with an account elsewhere gets a new account here: organisations never share accounts.
    const other = await stack.createTenant();
    const elsewhere = await stack.addActiveUser(other, 'professional');
    const newcomer = browser();
    expect((await ssoLogin(newcomer, tenant, accountFor(elsewhere.email))).status).toBe(303);
    const meHere = await api()
      .get('/api/me')
      .set('cookie', `${SESSION}=${newcomer.cookies.get(SESSION)}`);
    expect(meHere.body).toMatchObject({ email: elsewhere.email, role: 'client' });
    expect(meHere.body.id).not.toBe(elsewhere.id);
    expect(meHere.body.organisation.id).toBe(tenant.tenantId);

    await expectEventually(() => {
      expect(auditOf(tenant.tenantId, 'user.sso_created')).toEqual([
        expect.objectContaining({ outcome: 'success', actorId: me.body.id, resource: 'user_account' }),
        expect.objectContaining({ outcome: 'success', resource: 'user_account' }),
      ]);
      expect(refusals(tenant.tenantId)).toEqual(['role_not_allowed', 'email_unverified']);
    });
  });

  it('keeps the privacy-statement gate for single sign-on sessions (ES256-signed ID tokens)', async () => {
    const { tenant, admin } = await ssoTenant({
      clientId: ES_CLIENT.client_id,
      clientSecret: ES_CLIENT.client_secret,
    });
    await api()
      .post('/api/tenant/privacy-statements')
      .set('cookie', admin)
      .send({ text: '# Privacy\n\nWe keep your data in the EEA.' })
      .expect(201);
    const client = await stack.addActiveUser(tenant, 'client');
    const b = browser();
    expect((await ssoLogin(b, tenant, accountFor(client.email))).status).toBe(303);
    const cookie = `${SESSION}=${b.cookies.get(SESSION)}`;
    await api().get('/api/me').set('cookie', cookie).expect(200);
    const gated = await api().get('/api/users').set('cookie', cookie).expect(403);
    expect(gated.body).toMatchObject({
      code: 'PRIVACY_ACKNOWLEDGEMENT_REQUIRED',
      privacyStatementVersion: 1,
    });
    await api()
      .post('/api/auth/privacy-statement/acknowledge')
      .set('cookie', cookie)
      .send({ version: 1 })
      .expect(200);
    const after = await api().get('/api/users').set('cookie', cookie).expect(403);
    expect(after.body.code).toBe('FORBIDDEN'); // past the gate: a client may not list accounts
  });

  it('mails a "new sign-in" notice for a single sign-on login from a browser new to the account, and none from a known one', async () => {
    const { tenant } = await ssoTenant();
    const client = await stack.addActiveUser(tenant, 'client');
    const account = accountFor(client.email);
    const notices = () => smtp.to(client.email).filter((m) => m.subject === NEW_SIGN_IN);

    const laptop = browser();
    await ssoLogin(laptop, tenant, account); // the account's first sign-in: the baseline, no notice
    expect(laptop.cookies.get(DEVICE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await ssoLogin(laptop, tenant, account); // the same browser again: no notice
    const phone = browser();
    await ssoLogin(phone, tenant, account); // a new browser: one notice
    const [notice] = await expectEventually(() => {
      expect(notices()).toHaveLength(1);
      return notices();
    });
    expect(notice.raw).toContain("How: through your organisation's single sign-on");
    expect(notice.raw).toMatch(/When: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(notice.raw).toContain(`${PUBLIC_URL}/account/security`);
    expect(phone.cookies.get(DEVICE)).not.toBe(laptop.cookies.get(DEVICE));
  });
});
