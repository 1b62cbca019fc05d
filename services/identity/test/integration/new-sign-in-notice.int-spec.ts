import request from 'supertest';
import { createHash } from 'node:crypto';
import {
  expectEventually,
  startSmtpSink,
  startStack,
  type CompletedLogin,
  type DeliveredMail,
  type TestStack,
} from '@therapy-room/testing';

const SESSION = '__Host-tr_session';
const DEVICE = '__Host-tr_device';
const NEW_SIGN_IN = 'New sign-in to your Therapy Room account';

/** `__Host-tr_device=…` as the browser sends it back, from a login's Set-Cookie headers. */
const deviceCookie = (login: CompletedLogin): string => {
  const raw = login.setCookie.find((c) => c.startsWith(`${DEVICE}=`));
  if (!raw) throw new Error(`no ${DEVICE} cookie in ${JSON.stringify(login.setCookie)}`);
  return raw.split(';')[0];
};

describe('"new sign-in" notices for password logins (gateway + identity processes, real PostgreSQL, Kafka and SMTP)', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const notices = (address: string): DeliveredMail[] =>
    smtp.to(address).filter((m) => m.subject === NEW_SIGN_IN);
  /** Waits until exactly `count` notices reached the address (earlier mails are sent first). */
  const noticesTo = (address: string, count: number) =>
    expectEventually(() => {
      expect(notices(address)).toHaveLength(count);
      return notices(address);
    });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stack = await startStack({ SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  it('mails a notice when a login comes from a browser new to the account: not for its first sign-in, not again from a known browser', async () => {
    const tenant = await stack.createTenant();
    const client = await stack.addActiveUser(tenant, 'client');
    const loginFrom = (cookie?: string) =>
      stack.loginAs(client, cookie ? { headers: { cookie } } : undefined);

    // The account's first sign-in sets the baseline: a device cookie, no notice.
    const first = await loginFrom();
    expect(first.setCookie[0].startsWith(`${SESSION}=`)).toBe(true);
    const laptop = deviceCookie(first);
    const raw = first.setCookie.find((c) => c.startsWith(`${DEVICE}=`))!;
    const attributes = raw.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))!.split('=')[1]);
    expect(maxAge).toBe(400 * 24 * 60 * 60);
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);

    // The same browser again: the same token comes back, no notice.
    const again = await loginFrom(laptop);
    expect(deviceCookie(again)).toBe(laptop);

    // Another browser: a new token and one notice.
    const before = new Date();
    const phone = deviceCookie(await loginFrom());
    expect(phone).not.toBe(laptop);
    const [notice] = await noticesTo(client.email, 1);
    expect(notice.to).toEqual([client.email]);
    const when = /When: (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC/.exec(notice.raw);
    expect(when).not.toBeNull();
    const at = new Date(`${when![1]}T${when![2]}:00Z`).getTime();
    expect(Math.abs(at - before.getTime())).toBeLessThan(2 * 60_000);
    expect(notice.raw).toContain('How: with your e-mail address and password');
    expect(notice.raw).toContain('http://localhost:3000/account/security');
    expect(notice.raw).toContain('http://localhost:3000/reset-password');
    // Nothing about the organisation or the person beyond the address it is sent to.
    expect(notice.raw).not.toContain(`Org ${tenant.slug}`);
    expect(notice.raw).not.toContain('Test client');

    // Both browsers are known now; a third one is not.
    await loginFrom(phone);
    await loginFrom(laptop);
    await loginFrom(`${DEVICE}=${'x'.repeat(10)}`); // a malformed cookie is no device: a new one
    await noticesTo(client.email, 2);

    // Only a hash of (account, token) is stored: neither the token nor its plain hash.
    const rows = await stack.db.query<{ device_hash: Buffer; first_sign_in_method: string }>(
      `SELECT device_hash, first_sign_in_method FROM identity.user_device WHERE user_id = $1`,
      [client.id],
    );
    expect(rows).toHaveLength(3);
    const laptopToken = laptop.split('=')[1];
    const hashes = rows.map((r) => r.device_hash.toString('hex'));
    expect(hashes).not.toContain(createHash('sha256').update(laptopToken).digest('hex'));
    expect(hashes).toContain(
      createHash('sha256').update(client.id).update('\0').update(laptopToken).digest('hex'),
    );
    expect(rows.every((r) => r.first_sign_in_method === 'password')).toBe(true);
  });

  it('takes the device from the second step for accounts with 2FA, and tells accounts apart that share a browser', async () => {
    const tenant = await stack.createTenant();
    // The org admin's first login (with 2FA enrolment) is the baseline.
    const admin = deviceCookie(await stack.loginAs(tenant));
    await stack.loginAs(tenant, { headers: { cookie: admin } });
    // A client signs in on the admin's browser: new to the client's account (after its own baseline).
    const client = await stack.addActiveUser(tenant, 'client');
    await stack.loginAs(client);
    const shared = await stack.loginAs(client, { headers: { cookie: admin } });
    expect(deviceCookie(shared)).toBe(admin); // one browser keeps one token
    await noticesTo(client.email, 1);
    // The admin from a new browser.
    await stack.loginAs(tenant);
    await noticesTo(tenant.adminEmail, 1);

    // A failed login sets no device cookie and sends nothing.
    const wrong = await request(stack.gatewayUrl)
      .post('/api/auth/login')
      .send({ organisation: tenant.slug, email: client.email, password: 'Not-the-password-1!' })
      .expect(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const challenge = await request(stack.gatewayUrl)
      .post('/api/auth/login')
      .send({ organisation: tenant.slug, email: tenant.adminEmail, password: tenant.adminPassword })
      .expect(200);
    expect(challenge.headers['set-cookie']).toBeUndefined(); // the password step alone: no cookie at all
    await stack.loginAs(tenant);
    await noticesTo(tenant.adminEmail, 2);
    expect(notices(client.email)).toHaveLength(1);
  });
});
