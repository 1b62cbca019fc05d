import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expectEventually } from '@therapy-room/testing';

/** What the retention journeys need of the suite: its pages and its helpers (one stack, one practice). */
export interface JourneyContext {
  /** A screen checked by axe in English and Dutch and recorded (see browser.ts). */
  snap(page: Page, name: string): Promise<void>;
  nav(page: Page, name: string): Promise<void>;
}

const exportCard = (page: Page, state: string) =>
  page.getByTestId('retention-request').filter({ hasText: 'Export' }).filter({ hasText: state });
const erasureCard = (page: Page, state: string) =>
  page.getByTestId('retention-request').filter({ hasText: 'Erasure' }).filter({ hasText: state });

/** Clicks a download button and returns the JSON file the browser saved. */
async function downloaded(
  page: Page,
  button: ReturnType<Page['getByRole']>,
): Promise<Record<string, unknown>> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toMatch(/^therapy-room-export-[0-9a-f-]{36}\.json$/);
  return JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
}

/**
 * A client's own data: the export needs signing in again (the password, here: this client has no
 * second factor), runs without approval, and its package downloads once; then she asks for erasure.
 */
export async function clientExportsAndAsksForErasure(ctx: JourneyContext, client: Page, password: string) {
  await ctx.nav(client, 'My data');
  await client.getByRole('heading', { name: 'My requests' }).waitFor();
  await client.getByText('You have not asked for anything yet.').waitFor();
  await ctx.snap(client, 'client-my-data');

  await client.getByRole('button', { name: 'Ask for a copy' }).click();
  await client.getByLabel('Password').fill('not my password');
  await client.getByRole('button', { name: 'Confirm and ask for the copy' }).click();
  await client.getByText('The organisation, e-mail address or password is not right.').waitFor();
  await ctx.snap(client, 'client-my-data-reauthenticate');
  await client.getByLabel('Password').fill(password);
  await client.getByRole('button', { name: 'Confirm and ask for the copy' }).click();
  await client.getByText('Your copy is being prepared.').waitFor();

  // The saga collects the services' documents and seals the package; the screen asks again meanwhile.
  await exportCard(client, 'done').waitFor({ timeout: 120_000 });
  await ctx.snap(client, 'client-my-data-export-ready');
  const download = exportCard(client, 'done').getByRole('button', { name: 'Download (once)' });
  const pkg = await downloaded(client, download);
  expect(pkg.format).toBe('therapy-room-export/1');
  expect(Object.keys(pkg.documents as object).sort()).toEqual(['content', 'messaging']);
  expect((pkg.fhir as { resourceType: string }).resourceType).toBe('Bundle');
  await client.getByText('The file is downloaded. The link is used up').waitFor();
  // Single use: the package is gone from the server.
  await download.click();
  await client
    .getByRole('alert')
    .filter({ hasText: 'This request cannot take this step any more.' })
    .waitFor();

  await client.getByRole('button', { name: 'Ask for erasure' }).click();
  await client.getByRole('button', { name: 'Yes, ask for erasure' }).click();
  await client.getByText('Your request is sent to your organisation.').waitFor();
  await erasureCard(client, 'waiting for approval').waitFor();
}

/**
 * The org admins, four eyes: the first refuses the client's erasure, puts a legal hold on her record
 * (which then blocks an erasure), lifts it and asks for an export, which he cannot approve himself; a
 * second admin approves it and the first downloads it. An erasure the second asks for, the first
 * approves; in its grace period it is held, resumed and cancelled.
 */
export async function adminsDecideOnRequests(
  ctx: JourneyContext,
  admin: Page,
  secondAdmin: Page,
  clientName: string,
) {
  await ctx.nav(admin, 'Data requests');
  const asked = erasureCard(admin, 'waiting for approval').filter({ hasText: clientName });
  await asked.waitFor();
  await ctx.snap(admin, 'admin-data-requests');
  await asked.getByRole('button', { name: 'Refuse' }).click();
  await erasureCard(admin, 'cancelled').waitFor();

  await admin.locator('#record-heading ~ .field .select-button').click();
  await admin.getByRole('option', { name: clientName }).click();
  await admin.getByText('No legal hold.').waitFor();
  await admin.getByLabel('Reason (e.g. a complaint procedure)').fill('Complaint procedure 2026-14');
  await admin.getByRole('button', { name: 'Place a legal hold' }).click();
  await admin.getByText(/On legal hold since/).waitFor();
  await admin.getByText('Complaint procedure 2026-14').waitFor();
  await admin.getByRole('button', { name: 'Ask for erasure' }).click();
  await admin.getByText("A legal hold blocks erasure of this client's data.").waitFor();
  await ctx.snap(admin, 'admin-legal-hold');
  await admin.getByRole('button', { name: 'Lift the legal hold' }).click();
  await admin.getByText('No legal hold.').waitFor();

  await admin.getByRole('button', { name: 'Ask for an export' }).click();
  await admin.getByText('The request is made. It waits for another org admin.').waitFor();
  const ownExport = exportCard(admin, 'waiting for approval');
  await ownExport.getByText('You asked for this: another org admin approves it.').waitFor();
  expect(await ownExport.getByRole('button', { name: 'Approve' }).count()).toBe(0);

  await ctx.nav(secondAdmin, 'Data requests');
  await exportCard(secondAdmin, 'waiting for approval').getByRole('button', { name: 'Approve' }).click();
  await secondAdmin.getByText('Done.').waitFor();
  // Two finished exports now (the client's own too): his is the one he may download.
  const download = (page: Page) => page.getByRole('button', { name: 'Download (once)' });
  const mine = exportCard(admin, 'done').filter({ has: download(admin) });
  await expectEventually(
    async () => {
      await admin.reload();
      await mine.waitFor({ timeout: 5_000 });
    },
    { timeoutMs: 120_000, intervalMs: 1_000 },
  );
  const pkg = await downloaded(admin, mine.getByRole('button', { name: 'Download (once)' }));
  expect(pkg.format).toBe('therapy-room-export/1');
  // The second admin did not ask for it: no download for him.
  await secondAdmin.reload();
  await exportCard(secondAdmin, 'done').nth(1).waitFor();
  expect(await download(secondAdmin).count()).toBe(0);

  await secondAdmin.locator('#record-heading ~ .field .select-button').click();
  await secondAdmin.getByRole('option', { name: clientName }).click();
  await secondAdmin.getByRole('button', { name: 'Ask for erasure' }).click();
  await secondAdmin.getByText('The request is made. It waits for another org admin.').waitFor();
  await admin.reload();
  await erasureCard(admin, 'waiting for approval').getByRole('button', { name: 'Approve' }).click();
  const grace = erasureCard(admin, 'in the grace period');
  await grace.getByText(/Erased on .* unless cancelled\./).waitFor();
  await grace.getByRole('button', { name: 'Hold' }).click();
  await grace.filter({ hasText: 'on hold' }).getByRole('button', { name: 'Resume' }).waitFor();
  await ctx.snap(admin, 'admin-data-requests-grace');
  await grace.getByRole('button', { name: 'Resume' }).click();
  await grace.getByRole('button', { name: 'Hold' }).waitFor();
  await grace.getByRole('button', { name: 'Cancel the erasure' }).click();
  await grace.waitFor({ state: 'detached' });
  expect(await erasureCard(admin, 'cancelled').count()).toBe(2);
}
