import { refusalInProduction } from './development-only';
import { adminSession, demoLogins } from './demo-people';
import { seedDemoHistory } from './demo-history';
import { MailpitInbox } from './mailpit-inbox';
import type { DemoOrganisation } from './region-plan';

export interface DemoSetup {
  adminTotpSecret?: string;
  /** Why the demo people are missing, in one line. */
  note?: string;
  /** Clients whose history this start created (none on later starts). */
  seeded: string[];
}

/**
 * The demo organisation's people and history, through the running gateway (after the organisation
 * and its admin are seeded). Idempotent: later starts sign in and find everything there.
 */
export async function setUpDemo(options: {
  gatewayUrl: string;
  region: string;
  identityEnv: Record<string, string | undefined>;
  inboxUrl?: string;
  /** The region's demo organisation (`demo`, or `demo-uk` in the UK beside the EEA). */
  organisation?: DemoOrganisation;
}): Promise<DemoSetup> {
  const env = { ...process.env, ...options.identityEnv };
  const refusal = refusalInProduction({ NODE_ENV: env.NODE_ENV, PUBLIC_URL: env.PUBLIC_URL });
  if (refusal) return { note: refusal, seeded: [] };
  const admin = await adminSession(options.gatewayUrl, options.region, options.organisation);
  if (!options.inboxUrl)
    return {
      adminTotpSecret: admin.secret,
      note: 'they are activated from their invitation mails, which need the mail catcher',
      seeded: [],
    };
  const logins = await demoLogins(
    options.gatewayUrl,
    admin.session,
    new MailpitInbox(options.inboxUrl),
    options.organisation,
  );
  const seeded = await seedDemoHistory(admin.session, logins);
  return { adminTotpSecret: admin.secret, seeded };
}
