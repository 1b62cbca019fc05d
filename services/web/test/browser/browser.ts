import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); Playwright's own browser download cannot work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A phone: what a client uses between appointments. */
export const PHONE = { width: 390, height: 844 };
/** Screenshots of every screen, English and Dutch, as CI artefacts (build/ is git-ignored). */
export const SCREENSHOTS = resolve(__dirname, '../../../../build/screenshots');

const axeSource = readFileSync(
  require.resolve('axe-core/axe.min.js', { paths: [resolve(__dirname, '../..')] }),
  'utf8',
);

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * A person's browser: phone-sized, English until switched, and a record of every Content-Security-
 * Policy violation and page error (each must stay empty: the app runs under the strict policy).
 */
export async function person(browser: Browser, name: string) {
  const context: BrowserContext = await browser.newContext({
    viewport: PHONE,
    hasTouch: true,
    locale: 'en-GB',
    timezoneId: 'Europe/Amsterdam',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
  return { context, page, problems };
}

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core on the page as it is: WCAG 2.0/2.1 A and AA rules; returns the violations (expected none). */
export async function axe(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate('"axe" in window');
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!hasAxe) await page.evaluate(axeSource);
  // A string: this file is type-checked for Node, without the DOM's types.
  const { violations, passes } = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
       .then((r) => ({ violations: r.violations, passes: r.passes.length }))`,
  )) as { violations: AxeViolation[]; passes: number };
  // A check that checked nothing would pass silently: axe must have applied some rules.
  if (passes === 0) throw new Error('axe applied no rule to this page');
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

async function chooseLanguage(page: Page, label: 'English' | 'Nederlands') {
  await page.locator('.language-switch button').click();
  await page.getByRole('option', { name: label }).click();
  await page.waitForFunction(`document.documentElement.lang === '${label === 'English' ? 'en' : 'nl'}'`);
}

/**
 * One screen, checked and recorded: axe in English and in Dutch (0 violations expected; collected for
 * one assertion at the end), and a screenshot in each language at phone width. A modal dialog makes
 * the rest of the page inert (the language switch too): those screens are taken in English only.
 */
export async function snap(
  page: Page,
  name: string,
  violations: string[],
  options: { languages?: readonly ('en' | 'nl')[] } = {},
): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const languages = options.languages ?? ['en', 'nl'];
  for (const [label, lang] of [
    ['English', 'en'],
    ['Nederlands', 'nl'],
  ] as const) {
    if (!languages.includes(lang)) continue;
    if (label === 'Nederlands') await chooseLanguage(page, label);
    violations.push(...(await axe(page)).map((v) => `${name} [${lang}]: ${v}`));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.${lang}.png`), fullPage: true });
  }
  if (languages.includes('nl')) await chooseLanguage(page, 'English');
}
