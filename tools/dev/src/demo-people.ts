import { demo, demoPeopleOf, type DemoPerson } from './demo';
import { GatewaySession } from './gateway-session';
import { MailpitInbox } from './mailpit-inbox';
import { saveSecret, savedSecret } from './stack-env';
import type { DemoOrganisation } from './region-plan';

export interface DemoLogin {
  person: DemoPerson;
  id: string;
  session: GatewaySession;
}

/** Where the demo admin's authenticator secret is kept (mode 600, with the region's data). */
export const adminSecretName = (region: string) => `demo-admin-totp-secret-${region}`;

/**
 * Signs the demo admin in, enrolling the second factor on the first start and keeping its secret with
 * the region's data, so the banner can print it and a person can add it to an authenticator app.
 */
export async function adminSession(
  gatewayUrl: string,
  region: string,
  organisation: DemoOrganisation = demo,
): Promise<{ session: GatewaySession; secret: string }> {
  const session = new GatewaySession(gatewayUrl);
  let secret = savedSecret(adminSecretName(region));
  const ok = await session.login(
    { organisation: organisation.slug, email: organisation.adminEmail, password: organisation.adminPassword },
    { secret, onEnrolled: (s) => (saveSecret(adminSecretName(region), s), (secret = s)) },
  );
  if (!ok)
    throw new Error(
      `the demo admin's password was refused (DEMO_ADMIN_PASSWORD changed since the first start?)`,
    );
  return { session, secret: secret! };
}

/**
 * Each demo person, signed in: invited by the admin and activated from the invitation mail in
 * Mailpit on the first start, simply signed in after that (idempotent).
 */
export async function demoLogins(
  gatewayUrl: string,
  admin: GatewaySession,
  inbox: MailpitInbox | undefined,
  organisation: DemoOrganisation = demo,
): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  const password = organisation.adminPassword;
  for (const person of demoPeopleOf(organisation)) {
    const session = new GatewaySession(gatewayUrl);
    const credentials = { organisation: organisation.slug, email: person.email, password };
    if (!(await session.login(credentials))) {
      if (!inbox)
        throw new Error('the demo people are activated from their invitation mails: they need Mailpit');
      await admin.expect(
        'POST',
        '/api/users',
        { email: person.email, displayName: person.displayName, role: person.role },
        [201, 409],
      );
      const token = await inbox.waitFor(person.email, /\/activate\?token=([A-Za-z0-9_-]+)/);
      await session.expect('POST', '/api/auth/activate', { token, password }, [200]);
      if (!(await session.login(credentials)))
        throw new Error(`${person.email} cannot sign in after activation`);
    }
    const me = await session.expect<{ id: string }>('GET', '/api/me', undefined, [200]);
    logins.push({ person, id: me.body.id, session });
  }
  return logins;
}
