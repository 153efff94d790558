/**
 * Headless chromium for the viz tests, through playwright-core: Debian's /usr/bin/chromium (or
 * KANPINN_CHROMIUM), software WebGL, a fresh profile in a temp folder. Collects console errors
 * and page errors per page so a test can assert there were none.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

/** Where chromium is looked for. */
export const CHROMIUM_PATH = process.env.KANPINN_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

/** A running browser and its profile folder. */
export interface Browser { context: BrowserContext; close(): Promise<void> }

/** Starts chromium; fails with the install command when it is missing (never skips). */
export async function startBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH}: the viz browser tests need it; install it with \`apt-get install chromium\` (CI installs it) or set KANPINN_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'kanpinn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH, args: FLAGS, viewport: { width: 1400, height: 1000 }, timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** An opened page and the errors it reported (console.error messages and uncaught exceptions). */
export interface OpenedPage { page: Page; errors: string[] }

/** Opens `url` and waits until the viewer has mounted (body[data-ready]). */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  return { page, errors };
}
