import request from 'supertest';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  startStack,
  totpCode,
  type LoginCredentials,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const COOKIE = '__Host-tr_session';

const cookieOf = (res: request.Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.split(';')[0];

/** A 6-digit code that is certainly wrong now (not one of the steps identity accepts). */
const wrongCodeFor = (secret: string): string => {
  const valid = new Set([-1, 0, 1].map((o) => totpCode(secret, new Date(), o)));
  for (let n = 123456; ; n++) if (!valid.has(String(n))) return String(n);
};

describe('TOTP second factor through the gateway (enrolment, login, recovery codes, policy)', () => {
  let stack: TestStack;
  let tenant: TestTenant;
  let audit: Awaited<ReturnType<typeof collectTopics>>;
  const api = () => request(stack.gatewayUrl);
  const admin = (): LoginCredentials => ({
    organisation: tenant.slug,
    email: tenant.adminEmail,
    password: tenant.adminPassword,
  });
  const login = (credentials: LoginCredentials, from?: string) => {
    const { organisation, email, password } = credentials;
    const req = api().post('/api/auth/login').send({ organisation, email, password });
    return from ? req.set('x-forwarded-for', from) : req;
  };
  const secondFactor = (challenge: string, code: string, from?: string) => {
    const req = api().post('/api/auth/login/second-factor').send({ challenge, code });
    return from ? req.set('x-forwarded-for', from) : req;
  };
  /** An active professional with a password (the invitation flow is tested elsewhere). */
  const addProfessional = (t: TestTenant) => stack.addActiveUser(t, 'professional');

  beforeAll(async () => {
    stack = await startStack();
    tenant = await stack.createTenant();
    audit = await collectTopics([`${stack.prefix}${auditEntryRecordedV1.topic}`]);
  });
  afterAll(async () => {
    await audit?.stop();
    await stack?.stop();
  });

  it('forces an org admin without 2FA to enrol at login; the challenge allows only enrolment, then gives a session and 10 recovery codes', async () => {
    const first = await login(admin()).expect(200);
    expect(cookieOf(first)).toBeUndefined();
    expect(first.body).toEqual({
      secondFactorRequired: true,
      enrolmentRequired: true,
      challenge: expect.any(String),
      expiresAt: expect.any(String),
    });
    const { challenge } = first.body as { challenge: string };
    // Nothing to confirm yet, and the challenge is no session.
    await secondFactor(challenge, '123456').expect(409);
    await api().get('/api/me').set('cookie', `${COOKIE}=${challenge}`).expect(401);
    // Bound to the address it was issued to.
    await api()
      .post('/api/auth/login/second-factor/enrol')
      .set('x-forwarded-for', '198.51.100.99')
      .send({ challenge })
      .expect(401);

    const enrolled = await api().post('/api/auth/login/second-factor/enrol').send({ challenge }).expect(200);
    const { secret, otpauthUrl } = enrolled.body as { secret: string; otpauthUrl: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Therapy%20Room:.*secret=[A-Z2-7]{32}&issuer=Therapy/);
    // Stored encrypted: the secret is nowhere in identity's table.
    const [row] = await stack.db.query<{ secret_ciphertext: Buffer }>(
      `SELECT secret_ciphertext FROM identity.user_totp WHERE user_id = $1`,
      [tenant.adminId],
    );
    expect(row.secret_ciphertext.toString('latin1')).not.toContain(secret);

    await secondFactor(challenge, wrongCodeFor(secret)).expect(401);
    const code = totpCode(secret);
    const done = await secondFactor(challenge, code).expect(200);
    const cookie = cookieOf(done)!;
    expect(cookie).toBeDefined();
    expect(done.body.recoveryCodes).toHaveLength(10);
    for (const c of done.body.recoveryCodes as string[]) expect(c).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(new Set(done.body.recoveryCodes).size).toBe(10);
    await api().get('/api/me').set('cookie', cookie).expect(200);
    // The challenge is spent, and the code's time step cannot be used again (replay).
    await secondFactor(challenge, code).expect(401);
    const again = await login(admin()).expect(200);
    expect(again.body.enrolmentRequired).toBeUndefined();
    const replay = await secondFactor(again.body.challenge, code).expect(401);
    expect(replay.body).toMatchObject({ status: 401, code: 'INVALID_CODE' });
    expect(cookieOf(replay)).toBeUndefined();

    stack.logins.remember(admin(), {
      secret,
      lastStep: Math.floor(Date.now() / 30_000),
      recoveryCodes: [...(done.body.recoveryCodes as string[])],
    });
  });

  it('then needs the code at every login: a wrong code is 401 without a cookie, the right one sets it', async () => {
    const { secret } = stack.logins.authenticatorOf(admin())!;
    const step1 = await login(admin()).expect(200);
    expect(step1.body).toEqual({
      secondFactorRequired: true,
      challenge: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(cookieOf(step1)).toBeUndefined();
    const wrong = await secondFactor(step1.body.challenge, wrongCodeFor(secret)).expect(401);
    expect(cookieOf(wrong)).toBeUndefined();
    const right = await secondFactor(step1.body.challenge, await stack.logins.nextCode(admin())).expect(200);
    expect(right.body).toEqual({
      user: { id: tenant.adminId, role: 'org_admin', tenantId: tenant.tenantId },
      expiresAt: expect.any(String),
    });
    await api().get('/api/me').set('cookie', cookieOf(right)!).expect(200);
    await expectEventually(() => {
      const ours = audit.messages
        .map((m) => JSON.parse(m.value!.toString()))
        .filter((e) => e.subjectId === tenant.adminId && e.payload.action === 'auth.second_factor')
        .map((e) => e.payload.outcome);
      expect(ours).toEqual(expect.arrayContaining(['success', 'failure']));
    });
  });

  it('accepts each recovery code once (case and dash free), and refuses it the second time', async () => {
    const auth = stack.logins.authenticatorOf(admin())!;
    const recovery = auth.recoveryCodes.pop()!;
    const first = await login(admin()).expect(200);
    const typed = recovery.toLowerCase().replace('-', ' ');
    const ok = await secondFactor(first.body.challenge, typed).expect(200);
    await api().get('/api/me').set('cookie', cookieOf(ok)!).expect(200);
    const second = await login(admin()).expect(200);
    const refused = await secondFactor(second.body.challenge, recovery).expect(401);
    expect(refused.body.code).toBe('INVALID_CODE');
    const [{ used }] = await stack.db.query<{ used: string }>(
      `SELECT count(*) AS used FROM identity.user_recovery_code WHERE user_id = $1 AND used_at IS NOT NULL`,
      [tenant.adminId],
    );
    expect(Number(used)).toBe(1);
  });

  it('refuses to turn 2FA off when it is mandatory (org admin)', async () => {
    const { cookie } = await stack.loginAs(tenant);
    const code = await stack.logins.nextCode(admin());
    const refused = await api().delete('/api/auth/2fa').set('cookie', cookie).send({ code }).expect(403);
    expect(refused.body.code).toBe('TWO_FACTOR_MANDATORY');
    // And a second enrolment while one is active is refused too.
    await api().post('/api/auth/2fa/enrol').set('cookie', cookie).expect(409);
  });

  it('counts wrong codes in the login throttle for that (account, address)', async () => {
    const t = await stack.createTenant();
    await stack.loginAs(t); // enrols
    const creds = { organisation: t.slug, email: t.adminEmail, password: t.adminPassword };
    const { secret } = stack.logins.authenticatorOf(creds)!;
    const from = '203.0.113.50';
    const { challenge } = (await login(creds, from).expect(200)).body as { challenge: string };
    // The password's admission (1) + 4 wrong codes reach the delay threshold (5): the next one waits.
    for (let i = 0; i < 4; i++) await secondFactor(challenge, wrongCodeFor(secret), from).expect(401);
    const throttled = await secondFactor(challenge, totpCode(secret), from).expect(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The same account from elsewhere is not affected.
    await stack.loginAs(t);
  });

  it('does not force a professional unless the organisation requires it; a professional can enrol, log in with a code and turn 2FA off', async () => {
    const t = await stack.createTenant();
    const pro = await addProfessional(t);
    const plain = await login(pro).expect(200);
    let cookie = cookieOf(plain)!;
    expect(cookie).toBeDefined();
    expect(plain.body.user).toMatchObject({ id: pro.id, role: 'professional' });

    // Enrol while signed in: not active until confirmed.
    const enrol = await api().post('/api/auth/2fa/enrol').set('cookie', cookie).expect(200);
    const secret = enrol.body.secret as string;
    expect(cookieOf(await login(pro).expect(200))).toBeDefined();
    await api()
      .post('/api/auth/2fa/confirm')
      .set('cookie', cookie)
      .send({ code: wrongCodeFor(secret) })
      .expect(401);
    await api().post('/api/auth/2fa/confirm').set('cookie', cookie).send({ code: 'x' }).expect(400);
    const confirmed = await api()
      .post('/api/auth/2fa/confirm')
      .set('cookie', cookie)
      .send({ code: totpCode(secret) })
      .expect(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    stack.logins.remember(pro, {
      secret,
      lastStep: Math.floor(Date.now() / 30_000),
      recoveryCodes: [...(confirmed.body.recoveryCodes as string[])],
    });
    const needsCode = await login(pro).expect(200);
    expect(needsCode.body).toMatchObject({ secondFactorRequired: true });
    expect(needsCode.body.enrolmentRequired).toBeUndefined();
    cookie = (await stack.loginAs(pro)).cookie;

    // Not mandatory for this professional: turning it off takes a current code.
    await api()
      .delete('/api/auth/2fa')
      .set('cookie', cookie)
      .send({ code: wrongCodeFor(secret) })
      .expect(401);
    await api().delete('/api/auth/2fa').set('cookie', cookie).expect(400);
    await api()
      .delete('/api/auth/2fa')
      .set('cookie', cookie)
      .send({ code: stack.logins.authenticatorOf(pro)!.recoveryCodes[0] })
      .expect(204);
    expect(cookieOf(await login(pro).expect(200))).toBeDefined();

    // The org admin requires 2FA for professionals: now the professional must enrol at login.
    const adminCookie = (await stack.loginAs(t)).cookie;
    await api()
      .put('/api/tenant/settings/two-factor')
      .set('cookie', cookie)
      .send({ requiredForProfessionals: true })
      .expect(403);
    await api()
      .put('/api/tenant/settings/two-factor')
      .set('cookie', adminCookie)
      .send({ requiredForProfessionals: 'yes' })
      .expect(400);
    await api()
      .put('/api/tenant/settings/two-factor')
      .set('cookie', adminCookie)
      .send({ requiredForProfessionals: true })
      .expect(200, { requiredForProfessionals: true });
    const forced = await login(pro).expect(200);
    expect(cookieOf(forced)).toBeUndefined();
    expect(forced.body).toMatchObject({ secondFactorRequired: true, enrolmentRequired: true });
    // Another organisation's professionals are not affected.
    const other = await stack.createTenant();
    expect(cookieOf(await login(await addProfessional(other)).expect(200))).toBeDefined();
    // Once enrolled, a professional for whom it is mandatory cannot turn it off.
    const proCookie = (await stack.loginAs(pro)).cookie;
    await api()
      .delete('/api/auth/2fa')
      .set('cookie', proCookie)
      .send({ code: await stack.logins.nextCode(pro) })
      .expect(403);
  });
});
