import type { Page } from 'playwright-core';
import type { TestOidcProvider } from '@therapy-room/testing';

export interface AdminJourneyContext {
  snap(page: Page, name: string): Promise<void>;
  nav(page: Page, name: string): Promise<void>;
}

/**
 * The org admin sets up single sign-on with the organisation's OpenID provider (a real one, started by
 * the suite); the professional then signs in through it from the login page: the button takes the
 * browser to the provider, the provider sends it back, and the caseload opens. An organisation
 * without single sign-on, and a refused callback, get a sentence on the login page, not an error page.
 */
export async function singleSignOn(
  ctx: AdminJourneyContext,
  admin: Page,
  fresh: () => Promise<Page>,
  o: {
    base: string;
    provider: TestOidcProvider;
    client: { client_id: string; client_secret: string };
    organisation: string;
    otherOrganisation: string;
    professionalEmail: string;
  },
) {
  await ctx.nav(admin, 'Single sign-on');
  await admin.getByLabel("Issuer (the provider's address)").fill(o.provider.issuer);
  await admin.getByLabel('Client ID').fill(o.client.client_id);
  await admin.getByLabel('Client secret').fill(o.client.client_secret);
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Saved. The provider answered.').waitFor();
  await admin.getByText('Single sign-on is on.').waitFor();
  await ctx.snap(admin, 'admin-single-sign-on');

  const page = await fresh();
  await page.goto(`${o.base}/login`);
  await page.getByLabel('Organisation').fill(o.otherOrganisation);
  await page.getByRole('button', { name: "Sign in with my organisation's account" }).click();
  await page.getByText('Your organisation has no single sign-on. Sign in with your password.').waitFor();
  await ctx.snap(page, 'login-single-sign-on-none');
  // A refused callback (here: a state nobody issued) ends on the login page with a sentence, not JSON.
  await page.goto(`${o.base}/api/auth/sso/callback?code=x&state=a-state-nobody-issued`);
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('sso') === 'failed');
  await page
    .getByRole('alert')
    .filter({ hasText: "Signing in with your organisation's account did not succeed." })
    .waitFor();
  await ctx.snap(page, 'login-single-sign-on-failed');

  await page.getByLabel('Organisation').fill(o.organisation);
  // The browser's request to the provider's authorization endpoint (which then shows its login page).
  const atProvider = page.waitForRequest(
    (r) => r.isNavigationRequest() && r.url().startsWith(o.provider.issuer),
  );
  await page.getByRole('button', { name: "Sign in with my organisation's account" }).click();
  const authorization = new URL((await atProvider).url());
  expect(authorization.searchParams.get('client_id')).toBe(o.client.client_id);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  // The browser arrives at the provider's own login page (its interaction), and stays there.
  await page.waitForURL(
    (u) => u.href.startsWith(o.provider.issuer) && u.pathname.startsWith('/interaction/'),
  );
  // At the provider: the person logs in there (its own page; the suite's helper does it over HTTP),
  // and the provider sends the browser back to the gateway's callback with the code.
  const back = await o.provider.authorize(authorization.href, {
    sub: 'pat-jansen',
    email: o.professionalEmail,
    email_verified: true,
    amr: ['pwd', 'otp'],
  });
  await page.goto(`${o.base}${back.pathname}${back.search}`);
  await page.getByRole('heading', { name: 'My caseload' }).waitFor();
}

/** The admin's usage counts (small numbers withheld) and the audit log, searched by client. */
export async function usageAndAuditLog(ctx: AdminJourneyContext, admin: Page, clientName: string) {
  await ctx.nav(admin, 'Usage');
  await admin.getByRole('rowheader', { name: /Blood glucose diary/ }).waitFor();
  await ctx.snap(admin, 'admin-usage');

  await ctx.nav(admin, 'Audit log');
  await admin.locator('tbody tr').first().waitFor();
  await admin.locator('main .select-button').first().click();
  await admin.getByRole('option', { name: clientName }).click();
  await admin.getByRole('button', { name: 'Search', exact: true }).click();
  await admin.getByRole('cell', { name: clientName }).first().waitFor();
  const subjects = await admin.locator('tbody tr td:nth-child(4)').allTextContents();
  expect(subjects.length).toBeGreaterThan(0);
  expect(new Set(subjects)).toEqual(new Set([clientName]));
  await ctx.snap(admin, 'admin-audit-log');
}
