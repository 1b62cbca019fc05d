// `npm run screenshots`: the README's pictures of the therapy room, taken from the local stack that
// `npm start` runs (its demo organisation and people), in Debian's chromium through playwright-core,
// and written to docs/screenshots/. Run it after a visible change to the app and commit the PNGs.
// GATEWAY_PORT (or WEB_URL) and THERAPY_ROOM_DATA as for `npm start`; CHROMIUM_PATH for the browser.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { demo } from './demo';
import { adminSecretName } from './demo-people';
import { savedSecret } from './stack-env';
import { totpCode } from './totp';

const base = process.env.WEB_URL ?? `http://localhost:${process.env.GATEWAY_PORT ?? '3000'}`;
const out = resolve(__dirname, '../../../docs/screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function signIn(browser: Browser, email: string, viewport = PHONE, secret?: string): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Amsterdam' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Organisation').fill(demo.slug);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(demo.adminPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (secret) {
    await page.getByRole('textbox', { name: 'Code' }).fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
  }
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

async function shoot(
  page: Page,
  name: string,
  path: string,
  ready: (page: Page) => Promise<unknown>,
  fullPage = false,
) {
  await page.goto(`${base}${path}`);
  await ready(page);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(out, `${name}.png`), fullPage });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

async function main() {
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    const login = await (await browser.newContext({ viewport: PHONE, locale: 'en-GB' })).newPage();
    await shoot(login, 'login', '/login', (p) => p.getByRole('heading', { name: 'Sign in' }).waitFor());

    const client = await signIn(browser, 'alex@demo.example');
    await shoot(client, 'client-home', '/', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    const glucose = await signIn(browser, 'robin@demo.example');
    await glucose
      .getByRole('link', { name: /glucose/i })
      .first()
      .click();
    await glucose.locator('.trend canvas').first().waitFor();
    await glucose.locator('.trend').first().scrollIntoViewIfNeeded();
    await glucose.screenshot({ path: join(out, 'client-diary.png') });
    process.stdout.write('docs/screenshots/client-diary.png\n');
    await shoot(client, 'client-my-data', '/my-data', (p) =>
      p.getByRole('heading', { name: 'My requests' }).waitFor(),
    );

    const professional = await signIn(browser, 'sam@demo.example', DESKTOP);
    await shoot(professional, 'professional-caseload', '/', (p) =>
      p.getByRole('link', { name: 'Alex de Vries' }).waitFor(),
    );

    const secret = savedSecret(adminSecretName(process.env.REGION ?? 'eea'));
    if (secret) {
      const admin = await signIn(browser, demo.adminEmail, DESKTOP, secret);
      await shoot(
        admin,
        'admin-data-requests',
        '/admin/retention',
        async (p) => {
          await p.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
          await p.locator('#record-heading ~ .field .select-button').click();
          await p.getByRole('option').first().click();
          await p.getByRole('heading', { name: 'Legal hold' }).waitFor();
        },
        true,
      );
    } else {
      process.stderr.write("no demo admin secret in THERAPY_ROOM_DATA: the admin's screen is skipped\n");
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
