import { demo, demoPeopleOf } from './demo';
import type { DemoOrganisation } from './region-plan';

export interface BannerFacts {
  region: string;
  gatewayUrl: string;
  /** Mailpit's web address, or why there is none. */
  mail: { webUrl: string } | { reason: string } | { external: string };
  otlpEndpoint?: string;
  /** The demo admin's authenticator secret (development only), when enrolled by the stack. */
  adminTotpSecret?: string;
  /** Demo people that could not be set up, and why (one line). */
  demoNote?: string;
  /** The region's demo organisation (default `demo`). */
  organisation?: DemoOrganisation;
  /** How to stop; printed once, after the last region's banner (default true). */
  footer?: boolean;
}

/** The one block `npm start` prints when the stack is ready: every address, every demo login, how to stop. */
export function banner(facts: BannerFacts): string {
  const url = facts.gatewayUrl;
  const mail =
    'webUrl' in facts.mail
      ? `${facts.mail.webUrl}   (every mail the platform sends: invitations, resets, notices)`
      : 'external' in facts.mail
        ? `sent through SMTP_URL (${facts.mail.external})`
        : `none: ${facts.mail.reason}`;
  const org = facts.organisation ?? demo;
  const people = demoPeopleOf(org);
  const pad = Math.max(...people.map((p) => p.email.length), org.adminEmail.length);
  const lines = [
    '',
    `  Therapy Room (${facts.region}) is running`,
    '',
    `  Web room        ${url}/`,
    `  API             ${url}/api   (OpenAPI document: ${url}/api/docs)`,
    `  Mail catcher    ${mail}`,
    ...(facts.otlpEndpoint ? [`  Traces (OTLP)   ${facts.otlpEndpoint}`] : []),
    '',
    `  Demo logins     organisation "${org.slug}", password ${org.adminPassword} for everyone`,
    `    ${org.adminEmail.padEnd(pad)}  org admin${
      facts.adminTotpSecret
        ? `; second factor: add secret ${facts.adminTotpSecret} to an authenticator app,` +
          `\n    ${''.padEnd(pad)}  or \`npm run -s totp -- ${facts.adminTotpSecret}\` prints the code`
        : ''
    }`,
    ...(facts.demoNote
      ? [`    (no other demo people: ${facts.demoNote})`]
      : people.map((p) => `    ${p.email.padEnd(pad)}  ${p.displayName}, ${p.story}`)),
    '',
    ...(facts.footer === false
      ? []
      : [
          '  Ctrl-C stops everything (nothing is left running); `npm start -- --help` lists the options.',
          '',
        ]),
  ];
  return `${lines.join('\n')}\n`;
}
