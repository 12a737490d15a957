// The dashboard in a real headless browser (Debian's chromium driven by playwright-core) against a
// real API process: it asks for a reader key, lists runs with their states, and draws a run's step
// graph. Screenshots go to test/.out/ for a human to look at.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { getPipeline } from '../../domains/index.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));

let stack: TestStack;
let api: RefineryProcess;
let url: string;
let browser: Browser;
let reader: string;
let failedRunId: number;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  await runPipeline(stack, getPipeline('demo'), '2026-09-01');
  const broken = testPipeline('broken', [
    { id: 'ok', activity: 'noop', layer: 'bronze' },
    { id: 'bad', activity: 'fail', layer: 'silver', dependsOn: ['ok'], params: { message: 'upstream file missing' }, retry: { maximumAttempts: 1 } },
    { id: 'after', activity: 'noop', layer: 'gold', dependsOn: ['bad'] },
  ]);
  failedRunId = (await runPipeline(stack, broken, '2026-09-02')).runId;
  ({ url, api, browser } = await openDashboard(stack));
});
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
});

const signedIn = (path: string): Promise<Page> => signIn(browser, url, reader, path, consoleErrors);

describe('dashboard', () => {
  it('asks for a key, then lists pipelines and runs with their states', async () => {
    const page = await signedIn('#/runs');
    await page.waitForSelector('#runs tbody tr[data-run]');
    const rows = await page.$$eval('#runs tbody tr[data-run]', (trs) =>
      trs.map((tr) => [tr.children[1]!.textContent, tr.children[2]!.textContent, tr.querySelector('[data-status]')!.getAttribute('data-status')]),
    );
    expect(rows).toContainEqual(['demo', '2026-09-01', 'succeeded']);
    expect(rows).toContainEqual(['broken', '2026-09-02', 'failed']);
    expect(await page.textContent('[data-pipeline="demo"]')).toContain('succeeded');
    await page.selectOption('#f-status', 'failed');
    await page.waitForFunction("document.querySelectorAll('#runs tbody tr[data-run]').length === 1");
    const shot = `${shots}dashboard-runs.png`;
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it("draws a failed run's step graph with each step's state", async () => {
    const page = await signedIn(`#/runs/${failedRunId}`);
    await page.waitForSelector('svg [data-step]');
    const steps = await page.$$eval('svg [data-step]', (gs) => gs.map((g) => [g.getAttribute('data-step'), g.getAttribute('data-status')]));
    expect(steps).toEqual([
      ['ok', 'succeeded'],
      ['bad', 'failed'],
      ['after', 'skipped'],
    ]);
    expect(await page.$$eval('svg path[marker-end]', (p) => p.length)).toBe(2);
    expect(await page.textContent('#steps')).toContain('upstream file missing');
    await page.screenshot({ path: `${shots}dashboard-run.png`, fullPage: true });
    await page.close();
  });

  it('asks again when the key is refused, and shows no console errors otherwise', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/#/runs`);
    await page.fill('#key-input', 'rfy_000000000000_notavalidkeynotavalidkeynotavalidkey0000000');
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#key-error:not([hidden])');
    expect(await page.textContent('#key-error')).toContain('refused');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
