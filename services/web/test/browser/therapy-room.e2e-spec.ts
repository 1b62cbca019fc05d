import type { Browser, Page } from 'playwright-core';
import {
  buildWebApp,
  expectEventually,
  startSmtpSink,
  startOidcProvider,
  startStack,
  totpCode,
  type TestOidcProvider,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';
import { singleSignOn, usageAndAuditLog } from './admin-journeys';
import { launch, person, snap } from './browser';
import {
  adminsDecideOnRequests,
  clientExportsAndAsksForErasure,
  type JourneyContext,
} from './retention-journeys';

/**
 * The therapy room in a real browser (Debian's chromium through playwright-core) against the real
 * stack: gateway serving the built app, every service, PostgreSQL, Kafka and an SMTP sink. One practice
 * is set up and used by its admin, a professional and a client, each in their own browser; axe checks
 * every screen in English and Dutch; screenshots go to build/screenshots.
 */
// A journey step drives two or three browsers against six services: more than the harness's 120 s
// default under a loaded CI machine, never minutes of sleeping (every wait is on something visible).
jest.setTimeout(180_000);

describe('browser: the therapy room, journey by journey', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let provider: TestOidcProvider;
  const oidcClient = { client_id: 'therapy-room', client_secret: 'browser-suite-client-secret-0123456789' };
  let browser: Browser;
  let base: string;
  let tenant: TestTenant;
  const violations: string[] = [];
  const problems: string[] = [];
  const people: Awaited<ReturnType<typeof person>>[] = [];
  const open = async (name: string) => {
    const p = await person(browser, name);
    people.push(p);
    return p.page;
  };
  let admin: Page;
  let pro: Page;
  let client: Page;
  const proEmail = 'pro@practice.example';
  const clientEmail = 'client@practice.example';
  const colleagueEmail = 'colleague@practice.example';
  const password = 'Purple-Harbour-Lantern-42';
  let clientDiaryUrl = '';

  beforeAll(async () => {
    const webRoot = buildWebApp();
    smtp = await startSmtpSink();
    // The organisation's OpenID provider. Identity names its callback by PUBLIC_URL (its default,
    // http://localhost:3000): the suite takes the provider's redirect back to this stack's gateway.
    provider = await startOidcProvider({
      clients: [{ ...oidcClient, redirect_uris: ['http://localhost:3000/api/auth/sso/callback'] }],
    });
    stack = await startStack(
      {
        SMTP_URL: smtp.url,
        WEB_ROOT: webRoot,
        OPENAPI_DOCS: 'true',
        // The provider runs on 127.0.0.1 over http: allowed for this suite only.
        SSO_ALLOW_INSECURE_ISSUERS: 'true',
      },
      { caseload: true, content: true, messaging: true, audit: true, retention: true },
    );
    const seeded = await stack.seedContent();
    if (seeded.code !== 0) throw new Error(`seed-library failed: ${seeded.stderr}`);
    tenant = await stack.createTenant();
    // localhost (not 127.0.0.1): a secure context, where the __Host- session cookie is kept over http.
    base = stack.gatewayUrl.replace('127.0.0.1', 'localhost');
    browser = await launch();
    [admin, pro, client] = [await open('admin'), await open('professional'), await open('client')];
    // Building the app and starting six services on a loaded machine: up to 5 minutes, as the erasure suite.
  }, 300_000);

  afterAll(async () => {
    for (const p of people) problems.push(...p.problems);
    await browser?.close();
    await stack?.stop();
    await smtp?.stop();
    await provider?.stop();
  });

  /** The link of the newest mail to someone, on this stack's gateway. */
  const linkFromMail = async (to: string, path: '/activate' | '/reset-password') =>
    expectEventually(() => {
      const mail = smtp.to(to).at(-1);
      // The whole link: it names its organisation (for routing to its home region) after the token.
      const match =
        mail && new RegExp(`${path}\\?token=[A-Za-z0-9_-]+&organisation=[a-z0-9-]+`).exec(mail.raw);
      if (!match) throw new Error(`no ${path} mail to ${to} yet`);
      return `${base}${match[0]}`;
    });

  const signIn = async (page: Page, email: string, pass: string, screens: string[] = []) => {
    await page.goto(`${base}/login`);
    await page.getByLabel('Organisation').fill(tenant.slug);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(pass);
    if (screens.includes('login')) await snap(page, 'login', violations);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  /** Enrols the authenticator shown on screen (QR code and key) and keeps the recovery codes. */
  const enrolSecondFactor = async (page: Page, name: string) => {
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.locator('.secret').textContent())!.trim();
    await snap(page, `${name}-second-factor-enrol`, violations);
    await page.getByRole('textbox', { name: 'Code' }).fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    expect(await page.locator('.codes li').count()).toBeGreaterThanOrEqual(8);
    await snap(page, `${name}-recovery-codes`, violations);
    await page.getByRole('button', { name: 'I have saved them, continue' }).click();
  };

  const acknowledgePrivacy = async (page: Page, name?: string) => {
    await page.getByRole('heading', { name: 'Privacy statement' }).waitFor();
    if (name) await snap(page, name, violations);
    await page.getByRole('button', { name: 'I have read it and accept it' }).click();
  };

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

  it('an org admin sets up the practice: second factor, privacy statement, 2FA policy, invitations', async () => {
    await signIn(admin, tenant.adminEmail, tenant.adminPassword, ['login']);
    await enrolSecondFactor(admin, 'admin');
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    await snap(admin, 'admin-users', violations);

    await nav(admin, 'Two-factor policy');
    await admin.locator('label.switch').click();
    await admin.getByText('Professionals now need two-step sign-in.').waitFor();
    await snap(admin, 'admin-two-factor-policy', violations);

    await nav(admin, 'Privacy statement');
    await admin
      .getByLabel('Text of the statement')
      .fill('We keep your data in the EEA.\n\nOnly your care team sees it.');
    await admin.getByRole('button', { name: 'Publish' }).click();
    await admin
      .getByText('Version 1 is published.')
      .or(admin.getByRole('button', { name: 'I have read it and accept it' }))
      .first()
      .waitFor();
    if (await admin.getByRole('button', { name: 'I have read it and accept it' }).isVisible())
      await acknowledgePrivacy(admin);
    await admin.getByText('Current version: 1').waitFor();
    await snap(admin, 'admin-privacy-statement', violations);

    await nav(admin, 'Users');
    for (const [name, email, role] of [
      ['Dr. Pat Jansen', proEmail, 'Professional'],
      ['Dr. Lou Bakker', colleagueEmail, 'Professional'],
      ['Sam de Vries', clientEmail, 'Client'],
    ]) {
      await admin.getByLabel('Name', { exact: true }).fill(name);
      await admin.getByLabel('E-mail address').fill(email);
      await admin.locator('label.radio', { hasText: role }).click();
      await admin.getByRole('button', { name: 'Send the invitation', exact: true }).click();
      await admin.getByText('The invitation is sent.').waitFor();
    }
    // The licence as identity counts it: invited professionals take a seat (createTenant: 5 seats).
    await admin.getByText('Licence seats used: 2 / 5').waitFor();
    await nav(admin, 'Staff access');
    await admin.getByText('There are no requests.').waitFor();
    await snap(admin, 'admin-staff-access', violations);
  });

  it('the professional activates from the mail and enrols the second factor the policy asks for', async () => {
    await pro.goto(await linkFromMail(proEmail, '/activate'));
    await pro.getByRole('heading', { name: 'Activate your account' }).waitFor();
    // The token is taken out of the address bar; the organisation the link names stays (the call that
    // spends the token sends it, so any region's gateway can route it home).
    expect(new URL(pro.url()).searchParams.has('token')).toBe(false);
    expect(new URL(pro.url()).searchParams.get('organisation')).toBe(tenant.slug);
    await snap(pro, 'activate', violations);
    await pro.getByLabel('New password', { exact: true }).fill(password);
    await pro.getByLabel('Repeat the new password').fill(password);
    await pro.getByRole('button', { name: 'Activate' }).click();
    await pro.getByRole('heading', { name: 'Your account is active' }).waitFor();
    await signIn(pro, proEmail, password);
    await enrolSecondFactor(pro, 'professional');
    await acknowledgePrivacy(pro);
    await pro.getByRole('heading', { name: 'My caseload' }).waitFor();
  });

  it('the client activates, acknowledges the privacy statement and is put in the caseload', async () => {
    await client.goto(await linkFromMail(clientEmail, '/activate'));
    await client.getByLabel('New password', { exact: true }).fill(password);
    await client.getByLabel('Repeat the new password').fill(password);
    await client.getByRole('button', { name: 'Activate' }).click();
    await client.getByRole('heading', { name: 'Your account is active' }).waitFor();
    await signIn(client, clientEmail, password);
    await acknowledgePrivacy(client, 'privacy-gate');
    await client.getByRole('heading', { name: 'Welcome, Sam de Vries' }).waitFor();

    // The admin puts the client in the professional's caseload (once caseload knows both).
    await expectEventually(
      async () => {
        await admin.goto(`${base}/`);
        const card = admin.locator('li.card', { hasText: 'Sam de Vries' });
        await card.locator('.select-button').click({ timeout: 5_000 });
        await admin.getByRole('option', { name: 'Dr. Pat Jansen' }).click({ timeout: 5_000 });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await admin.getByText('Done.').or(admin.locator('.problem')).first().waitFor();
    expect(await admin.locator('.problem').count()).toBe(0);
  });

  it('the professional assigns a glucose diary and the PHQ-9; the client fills both', async () => {
    await expectEventually(
      async () => {
        await pro.goto(`${base}/`);
        await pro.getByRole('link', { name: 'Sam de Vries' }).click({ timeout: 5_000 });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await pro.getByRole('heading', { name: 'Sam de Vries' }).waitFor();
    for (const tool of ['Blood glucose diary', 'PHQ-9: mood over the last two weeks']) {
      await pro.locator('#assign-heading ~ form .select-button').click();
      await pro.getByRole('option', { name: new RegExp(tool.replace(/[.:]/g, '.')) }).click();
      await pro.getByRole('button', { name: 'Assign', exact: true }).click();
      await pro.getByText('The tool is assigned.').waitFor();
    }

    await client.reload();
    await client.getByRole('link', { name: 'Blood glucose diary' }).first().waitFor();
    await snap(client, 'client-home', violations);
    await client.getByRole('link', { name: 'Blood glucose diary' }).first().click();
    clientDiaryUrl = client.url();
    for (const [glucose, moment, time] of [
      ['6.2', 'Before breakfast (fasting)', '07:45'],
      ['12.4', 'Two hours after a meal', '13:30'],
    ]) {
      await client.getByLabel('Blood glucose (mmol/L)').fill(glucose);
      await client.locator('label.radio', { hasText: moment }).click();
      await client.getByLabel('Time of the reading').fill(time);
      await client.getByRole('button', { name: 'Save entry' }).click();
      await client.getByText('Your entry is saved.').waitFor();
    }
    await client.locator('.trend canvas').first().waitFor();
    await client.getByText('The green band is the target range: 3.9–10 mmol/L.').waitFor();
    await snap(client, 'client-diary-trend', violations);

    await nav(client, 'Home');
    await client.getByRole('link', { name: 'PHQ-9: mood over the last two weeks' }).first().click();
    await client.getByText('Question 1 of 9').waitFor();
    await snap(client, 'client-questionnaire', violations);
    for (let n = 1; n <= 9; n++) {
      await client.getByText(`Question ${n} of 9`).waitFor();
      await client
        .locator('label.radio', { hasText: n === 9 ? 'More than half the days' : 'Several days' })
        .click();
      await client.getByRole('button', { name: n === 9 ? 'Send my answers' : 'Next' }).click();
    }
    await client.getByText('Thank you, your answers are saved.').waitFor();
  });

  it('the professional sees the flag, acknowledges it, assigns a tailored module and writes; the client reads it live and replies', async () => {
    await expectEventually(
      async () => {
        await pro.goto(`${base}/`);
        await pro.getByText('1 open flag').waitFor({ timeout: 5_000 });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await snap(pro, 'professional-caseload', violations);
    await pro.getByRole('link', { name: 'Sam de Vries' }).click();
    await pro.getByRole('button', { name: 'Acknowledge' }).waitFor();
    await snap(pro, 'professional-client', violations);
    await pro.getByRole('button', { name: 'Acknowledge' }).click();
    await pro.getByRole('button', { name: 'Acknowledge' }).waitFor({ state: 'detached' });

    await pro.locator('#assign-heading ~ form .select-button').click();
    await pro.getByRole('option', { name: /Lifting low mood/ }).click();
    await pro
      .locator('label.checkbox', { hasText: 'Keeping what you have learned' })
      .click()
      .catch(async () => {
        await pro.locator('#assign-heading ~ form label.checkbox').nth(4).click();
      });
    // Tailored: the second session first, the third and fourth combined into one step.
    await pro.getByRole('button', { name: 'Move Doing more of what matters up' }).click();
    await pro
      .getByTestId('plan-step')
      .filter({ hasText: 'Noticing and questioning gloomy thoughts' })
      .getByRole('button', { name: 'Combine with the next' })
      .click();
    await pro
      .getByTestId('plan-step')
      .filter({ hasText: 'Noticing and questioning gloomy thoughts + Solving problems step by step' })
      .waitFor();
    await snap(pro, 'professional-assign-module', violations);
    await pro.getByRole('button', { name: 'Assign', exact: true }).click();
    await pro.getByText('The tool is assigned.').waitFor();
    const clientId = new URL(pro.url()).pathname.split('/').pop()!;
    const assigned = (await pro.evaluate(
      async (id) => (await fetch(`/api/content/clients/${id}/assignments?status=active`)).json(),
      clientId,
    )) as { items: { kind: string; sessions: string[] | null; steps: string[][] | null }[] };
    const module = assigned.items.find((a) => a.kind === 'module')!;
    expect(module.sessions).toEqual(['session-2', 'session-1', 'session-3', 'session-4']);
    expect(module.steps).toEqual([['session-2'], ['session-1'], ['session-3', 'session-4']]);

    // The client waits on the messages screen, its live stream open.
    await nav(client, 'Messages');
    await client.waitForFunction(`document.documentElement.dataset.live === 'ready'`);
    await pro.getByRole('button', { name: 'Send a message' }).click();
    await pro.getByLabel('Your message').fill('Thank you for your answers. Shall we talk on Thursday?');
    await pro.getByRole('button', { name: 'Send', exact: true }).click();
    await pro.getByText('Shall we talk on Thursday?').waitFor();

    // No reload: the stream brings the unread badge and the conversation.
    await client.getByTestId('unread-badge').waitFor();
    await client.getByRole('link', { name: /Dr\. Pat Jansen/ }).click();
    await client.getByText('Shall we talk on Thursday?').waitFor();
    await snap(client, 'client-messages', violations);
    await client.getByLabel('Your message').fill('Yes, Thursday works for me.');
    await client.getByRole('button', { name: 'Send', exact: true }).click();
    await pro.getByText('Yes, Thursday works for me.').waitFor();
    await snap(pro, 'professional-messages', violations);
  });

  it('the professional links a colleague to the client for a period, sees the link and ends it', async () => {
    await pro.goto(`${base}/`);
    await pro.getByRole('link', { name: 'Sam de Vries' }).click();
    await pro.getByRole('heading', { name: 'Colleagues linked to this client' }).waitFor();
    await pro.getByText('No colleague is linked.').waitFor();
    await pro.getByRole('searchbox', { name: 'Find a colleague by name' }).fill('Lou');
    await pro.locator('label.radio', { hasText: 'Dr. Lou Bakker' }).click();
    const until = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await pro.getByLabel('Until (optional)').fill(until);
    await pro.getByRole('button', { name: 'Link', exact: true }).click();
    await pro.getByText('The colleague is linked.').waitFor();
    await pro.getByRole('button', { name: 'End the link with Dr. Lou Bakker' }).waitFor();
    await snap(pro, 'professional-colleague-links', violations);
    await pro.getByRole('button', { name: 'End the link with Dr. Lou Bakker' }).click();
    await pro.getByText('No colleague is linked.').waitFor();
  });

  it('the client shares a report and the recipient, without an account, opens it', async () => {
    await nav(client, 'Share my report');
    await client.getByRole('button', { name: 'Make a link' }).click();
    const link = (await client.getByTestId('share-link').textContent())!.trim();
    // It names the organisation (for routing to its home region); the token stays in the fragment.
    expect(link).toMatch(/\/shared\?organisation=[a-z0-9-]+#[A-Za-z0-9_-]{43}$/);
    await snap(client, 'client-share', violations);

    const recipient = await open('recipient');
    await recipient.goto(link.replace('127.0.0.1', 'localhost'));
    await recipient.getByRole('heading', { name: 'Shared report' }).waitFor();
    await recipient.locator('figure.trend').first().waitFor();
    await recipient
      .locator('figcaption', { hasText: 'Blood glucose diary: Blood glucose (mmol/L)' })
      .waitFor();
    await snap(recipient, 'shared-report', violations);

    await nav(client, 'Who saw my data');
    await client
      .getByRole('table')
      .or(client.getByText('Nobody has opened your data yet.'))
      .first()
      .waitFor();
    await snap(client, 'client-contact-history', violations);
    await nav(client, 'My account');
    await snap(client, 'client-account', violations);
  });

  const journeys: JourneyContext = {
    snap: (page, name) => snap(page, name, violations),
    nav: (page, name) =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click(),
  };

  it('the client asks for a copy of her data (signing in again), downloads it once, and asks for erasure', async () => {
    await clientExportsAndAsksForErasure(journeys, client, password);
  });

  it('the org admin sets up single sign-on; the professional signs in through the organisation’s provider', async () => {
    const other = await stack.createTenant();
    await singleSignOn(journeys, admin, () => open('professional (sso)'), {
      base,
      provider,
      client: oidcClient,
      organisation: tenant.slug,
      otherOrganisation: other.slug,
      professionalEmail: proEmail,
    });
  });

  it('the org admin reads the usage counts and searches the audit log by client', async () => {
    await usageAndAuditLog(journeys, admin, 'Sam de Vries');
  });

  it('a client of another organisation sees none of it, and errors read clearly', async () => {
    const other = await stack.createTenant();
    const stranger = await stack.addActiveUser(other, 'client');
    const page = await open('stranger');
    await page.goto(`${base}/login`);
    await page.getByLabel('Organisation').fill(other.slug);
    await page.getByLabel('E-mail address').fill(stranger.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('The organisation, e-mail address or password is not right.').waitFor();
    await snap(page, 'login-error', violations);
    await page.getByLabel('Password').fill(stranger.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('No tools yet. Your professional will add them.').waitFor();

    await page.goto(clientDiaryUrl.replace(/^https?:\/\/[^/]+/, base));
    await page.getByText('This could not be found, or it is no longer available.').waitFor();
    const assignmentId = new URL(clientDiaryUrl).pathname.split('/').pop();
    const answers = await page.evaluate(
      async (id) => (await fetch(`/api/content/assignments/${id}`)).status,
      assignmentId,
    );
    expect(answers).toBe(404);
    await page.goto(`${base}/messages`);
    await page.getByRole('heading', { name: 'Messages' }).waitFor();
    expect(await page.locator('.conversation-link').count()).toBe(0);
  });

  it('password reset and the idle-timeout warning', async () => {
    const page = await open('forgetful');
    await page.clock.install();
    await page.goto(`${base}/reset-password`);
    await page.getByLabel('Organisation').fill(tenant.slug);
    await page.getByLabel('E-mail address').fill(clientEmail);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If the account exists, a mail with a link is on its way.').waitFor();
    await page.goto(await linkFromMail(clientEmail, '/reset-password'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await snap(page, 'reset-password', violations);
    const newPassword = 'Quiet-Meadow-Compass-77';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByRole('heading', { name: 'Your password is changed' }).waitFor();

    await signIn(page, clientEmail, newPassword);
    await page.getByRole('heading', { name: 'Welcome, Sam de Vries' }).waitFor();
    await page.clock.fastForward('13:30');
    await page.getByRole('alertdialog').waitFor();
    await snap(page, 'idle-warning', violations, { languages: ['en'] });
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
  });

  it('org admins decide on data requests, four eyes: refuse, legal hold, approve an export, hold and cancel an erasure', async () => {
    const second = await stack.addActiveUser(tenant, 'org_admin');
    const secondAdmin = await open('second admin');
    await signIn(secondAdmin, second.email, second.password);
    await enrolSecondFactor(secondAdmin, 'second-admin');
    const privacy = secondAdmin.getByRole('button', { name: 'I have read it and accept it' });
    await secondAdmin.getByRole('heading', { name: 'Users' }).or(privacy).first().waitFor();
    if (await privacy.isVisible()) await acknowledgePrivacy(secondAdmin);
    await secondAdmin.getByRole('heading', { name: 'Users' }).waitFor();
    await adminsDecideOnRequests(journeys, admin, secondAdmin, 'Sam de Vries');
  });

  it('every screen has no WCAG 2.1 AA violation, and nothing broke the Content-Security-Policy', () => {
    for (const p of people) problems.push(...p.problems.splice(0));
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('the typed client matches the API: the committed OpenAPI document is what the gateway serves', async () => {
    const served = (await (await fetch(`${stack.gatewayUrl}/api/docs`)).json()) as {
      paths: Record<string, unknown>;
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const committed = require('../../openapi.json') as { paths: Record<string, unknown> };
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(served).toEqual(committed);
  });
});
