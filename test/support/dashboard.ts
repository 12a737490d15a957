// The dashboard's browser tests share this: a real `refinery api` process on the test stack, and
// Debian's chromium driven by playwright-core (its own browser download cannot work here), with a
// page that signs in with a key the way a person would.
import { statSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApiProcess, type RefineryProcess } from './processes.ts';
import type { TestStack } from './stack.ts';

export const CHROMIUM = '/usr/bin/chromium';

export async function openDashboard(stack: TestStack, env: Record<string, string> = {}): Promise<{ url: string; api: RefineryProcess; browser: Browser }> {
  const { url, api } = await startApiProcess(stack, env);
  try {
    statSync(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Playwright hides scrollbars in headless mode; a person sees them, and so should screenshots and tests.
    ignoreDefaultArgs: ['--hide-scrollbars'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { url, api, browser };
}

/** A new page at `path`, signed in with `key`; console errors and page errors go to `errors`. */
export async function signIn(browser: Browser, url: string, key: string, path: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/${path}`);
  await page.fill('#key-input', key);
  await page.click('#key-form button[type=submit]');
  return page;
}
