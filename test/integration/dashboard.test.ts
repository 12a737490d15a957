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
let fiveColumnRunId: number;
let nineColumnRunId: number;
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
  // Chains of no-op steps, five and nine dependency levels deep, plus a branch beside the chain.
  const chain = (name: string, n: number) =>
    testPipeline(name, [
      ...Array.from({ length: n }, (_, i) => ({ id: `step_${i + 1}`, activity: 'noop', layer: 'silver' as const, dependsOn: i ? [`step_${i}`] : [] })),
      { id: 'beside', activity: 'noop', layer: 'gold', dependsOn: ['step_1'] },
    ]);
  fiveColumnRunId = (await runPipeline(stack, chain('five', 5), '2026-09-03')).runId;
  nineColumnRunId = (await runPipeline(stack, chain('nine', 9), '2026-09-03')).runId;
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
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#runs tbody tr[data-run]').length === 1);
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

  it('fits a five-column graph in a 1,400 px window, every step inside the page', async () => {
    const page = await signedIn(`#/runs/${fiveColumnRunId}`);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForSelector('svg [data-step="step_5"]');
    const layout = await page.$eval('#step-graph', (box) => ({
      scrolls: box.scrollWidth > box.clientWidth,
      hint: (globalThis as any).getComputedStyle((globalThis as any).document.getElementById('graph-hint')).display,
      outside: [...box.querySelectorAll('[data-step]')].filter((g) => g.getBoundingClientRect().right > box.getBoundingClientRect().right).length,
      scale: box.querySelector('svg')!.getBoundingClientRect().width / Number(box.querySelector('svg')!.getAttribute('width')),
    }));
    expect(layout).toMatchObject({ scrolls: false, hint: 'none', outside: 0 });
    expect(layout.scale).toBeGreaterThanOrEqual(0.85);
    await page.screenshot({ path: `${shots}dashboard-run-five-columns.png`, fullPage: true });
    await page.close();
  });

  it('scrolls a nine-column graph sideways, with a visible scrollbar and a hint, to its last step', async () => {
    const page = await signedIn(`#/runs/${nineColumnRunId}`);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForSelector('svg [data-step="step_9"]');
    await page.waitForSelector('#step-graph.scrolls');
    expect(await page.isVisible('#graph-hint')).toBe(true);
    // A drawn (not overlay) scrollbar takes height from the box: offsetHeight exceeds clientHeight + borders.
    const bar = await page.$eval('#step-graph', (box) => box.offsetHeight - box.clientHeight - 2);
    expect(bar).toBeGreaterThan(0);
    await page.screenshot({ path: `${shots}dashboard-run-nine-columns.png`, fullPage: true });
    const lastVisible = await page.$eval('#step-graph', (box) => {
      box.scrollLeft = box.scrollWidth;
      const last = box.querySelector('[data-step="step_9"]')!.getBoundingClientRect();
      const frame = box.getBoundingClientRect();
      return last.left >= frame.left && last.right <= frame.right;
    });
    expect(lastVisible).toBe(true);
    await page.screenshot({ path: `${shots}dashboard-run-nine-columns-scrolled.png`, fullPage: true });
    await page.close();
  });

  it('is served with a strict Content-Security-Policy, no framing and no referrer, which the browser enforces', async () => {
    for (const path of ['/', '/dashboard/app.js', '/dashboard/style.css']) {
      const res = await fetch(`${url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      // Whole, as declared: a gzipped file once went out with its size on disk as Content-Length.
      expect((await res.text()).length).toBeGreaterThan(500);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // An inline style attribute is refused (so the views' colours come through the CSSOM, and the
    // console stays clean only because no view uses one), and inline script never runs.
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.goto(`${url}/#/runs`);
    const applied = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as any;
      const probe = document.createElement('div');
      probe.innerHTML = '<span style="color: rgb(255, 0, 0)">x</span><img src="x" onerror="window.ran = true">';
      document.body.append(probe);
      return getComputedStyle(probe.querySelector('span')).color as string;
    });
    await page.waitForTimeout(200);
    expect(applied).not.toBe('rgb(255, 0, 0)');
    expect(await page.evaluate(() => (globalThis as any).ran)).toBeUndefined();
    expect(violations.some((v) => /Content Security Policy/.test(v))).toBe(true);
    await page.close();
  });

  it('says, in each tournament view, that gold holds no tournament yet', async () => {
    for (const view of ['', '/rankings', '/entries', '/teams', '/matchups', '/optimiser']) {
      const page = await signedIn(`#/tournament/any${view}`);
      await page.waitForSelector('[data-empty="no-tournaments"]', { timeout: 15_000 }).catch(async (e: Error) => {
        throw new Error(`${view}: ${e.message}; the page shows: ${await page.textContent('body')}`);
      });
      expect(await page.textContent('main h1'), view).toBe('Tournament');
      await page.close();
    }
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
