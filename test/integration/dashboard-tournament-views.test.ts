// The tournament's six dashboard views in headless Chromium against a real API process, over a real
// pipeline run of the 68-team sample (First Four, names with commas, apostrophes, ampersands and
// accents): overview, rankings with ours, an entry's portfolio, team detail, matchups, and the
// optimiser runs side by side; each at 1,280 px and at a phone's 390 px, with screenshots in test/.out/.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tournamentPipeline } from '../../domains/tournament/pipeline.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import { runPipeline } from '../support/pipelines.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));
const sample = sampleTournament(2025, { firstFour: true });
const KEY = sample.tournament.key;
const ENTRIES = new Set(sample.bids.map((b) => b.entry)).size + 1;
const UMBC = sample.teams.find((t) => t.name === 'Maryland, Baltimore County')!;

let stack: TestStack;
let api: RefineryProcess;
let url: string;
let browser: Browser;
let reader: string;
let landingDir: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  landingDir = mkdtempSync(join(tmpdir(), 'refinery-landing-'));
  mkdirSync(join(landingDir, KEY));
  for (const [name, text] of Object.entries(sampleLandingFiles(sample))) writeFileSync(join(landingDir, KEY, name), text);
  const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir, simulations: 2_000, scenarios: 1_000 });
  expect(summary.status).toBe('succeeded');
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  ({ url, api, browser } = await openDashboard(stack));
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
  if (landingDir) rmSync(landingDir, { recursive: true, force: true });
});

/**
 * The page at a phone's width: nothing wider than the screen but the tables, which scroll in their
 * box; each element sticking out past the screen is named, so a failure says what to fix. A phone
 * draws its scrollbar over the page, so the desktop scrollbar is hidden meanwhile (with it, a
 * full-page screenshot is cut 15 px short of the laid-out width).
 */
async function atPhoneWidth(page: Page, name: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setScrollbarsHidden', { hidden: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100);
  expect(await page.evaluate(() => (globalThis as any).document.documentElement.clientWidth)).toBe(390);
  const overflowing = await page.evaluate(() => {
    const doc = (globalThis as any).document;
    const width: number = doc.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of doc.querySelectorAll('body *')) {
      if (el.closest('.scroll, .grid-scroll, table')) continue;
      const right = Math.round(el.getBoundingClientRect().right);
      if (right > width)
        out.push(
          `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} ends at ${right} px > ${width}`,
        );
    }
    return out.slice(0, 10);
  });
  expect(overflowing, name).toEqual([]);
  await shot(page, `${name}-phone`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await cdp.send('Emulation.setScrollbarsHidden', { hidden: false });
  await cdp.detach();
}
async function shot(page: Page, name: string) {
  const path = `${shots}tournament-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}
const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));

describe('dashboard: the six tournament views', () => {
  let page: Page;
  beforeAll(async () => {
    page = await signIn(browser, url, reader, '#/tournament', consoleErrors);
  });

  it('overview: the field with its First Four, our entry in the latest run, the most valuable teams', async () => {
    await page.waitForSelector('#overview-cards');
    expect(await page.textContent('#tournament-name')).toBe(sample.tournament.name);
    expect(await page.textContent('#overview-cards')).toContain('68 (8 in the First Four)');
    expect(await page.$$eval('#first-four li', (li) => li.length)).toBe(8);
    expect(await texts(page, '#first-four [data-team-link]')).toEqual(
      expect.arrayContaining(['Maryland, Baltimore County', "Mount St. Mary's", 'Texas A&M–Corpus Christi', 'San José State']),
    );
    expect(await page.textContent('#latest-run')).toContain('strategy payout');
    expect(await page.textContent('[data-card="p-first"] .value')).toMatch(/^\d+\.\d%$/);
    expect(await page.$$eval('#top-teams li', (li) => li.length)).toBe(8);
    expect(await page.getAttribute('.tabs a.active', 'data-tab')).toBe('overview');
    await shot(page, 'overview');
    await atPhoneWidth(page, 'overview');
  });

  it('rankings: every entry with the API’s rank, ours highlighted, and the investment report', async () => {
    await page.click('.tabs a[data-tab="rankings"]');
    await page.waitForSelector('#rankings tbody tr');
    const rows = await page.$$eval('#rankings tbody tr', (trs) =>
      trs.map((tr) => [Number(tr.querySelector('[data-rank]')!.getAttribute('data-rank')), Number(tr.querySelector('[data-mnp]')!.getAttribute('data-mnp'))]),
    );
    expect(rows).toHaveLength(ENTRIES);
    for (const [rank, mnp] of rows) expect(rank).toBe(1 + rows.filter(([, other]) => other > mnp).length);
    expect(await page.$$eval('#rankings tr[data-ours]', (trs) => trs.map((tr) => tr.getAttribute('data-entry')))).toEqual(['refinery']);
    expect(await page.$$eval('#report tbody tr', (trs) => trs.length)).toBeGreaterThan(0);
    expect(await page.textContent('#report [data-total="bid"]')).toBe('100.00');
    await shot(page, 'rankings');
    await atPhoneWidth(page, 'rankings');
  });

  it("an entry's portfolio: any entry's teams and totals, its payout and rank distributions", async () => {
    const entry = sample.bids[0].entry;
    await page.click(`#rankings [data-entry-link="${entry}"]`);
    await page.waitForFunction((e) => (globalThis as any).document.querySelector('#entry-name')?.textContent?.startsWith(e), entry);
    const mine = sample.bids.filter((b) => b.entry === entry);
    expect((await page.$$eval('#portfolio tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-team')))).sort()).toEqual(mine.map((b) => b.team).sort());
    expect(await page.textContent('#portfolio [data-total="bid"]')).toBe(mine.reduce((s, b) => s + b.amount, 0).toFixed(2));
    expect(await page.$$eval('#payout-histogram li', (li) => li.length)).toBe(12);
    expect(await page.$$eval('#rank-histogram li', (li) => li.length)).toBeGreaterThan(1);
    expect(await page.getAttribute('.tabs a.active', 'data-tab')).toBe('entries');
    await shot(page, 'portfolio');
    await atPhoneWidth(page, 'portfolio');
    // Ours, picked from the entry list.
    await page.selectOption('#entry-select', 'refinery');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#entry-name')?.textContent?.includes('ours'));
  });

  it('team detail: a First Four team with its name intact, round chances, games won, owners and likeliest path', async () => {
    await page.goto(`${url}/#/tournament/${KEY}/teams/${UMBC.key}`);
    await page.waitForSelector('#path tbody tr');
    expect(await page.textContent('#team-name')).toBe('Maryland, Baltimore County First Four');
    expect(await texts(page, '#rounds .bar-label')).toEqual(['round of 64', 'round of 32', 'sweet 16', 'elite 8', 'final four', 'final', 'champion']);
    expect(await page.$$eval('#path tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-round')))).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    const owners = sample.bids.filter((b) => b.team === UMBC.key).map((b) => b.entry);
    expect(await page.$$eval('#owners tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-owner')))).toEqual(expect.arrayContaining(owners));
    expect(await page.$$eval('#wins tbody tr', (trs) => trs.length)).toBeGreaterThan(2);
    await shot(page, 'team');
    await atPhoneWidth(page, 'team');
  });

  it('matchups: any two teams, who wins and where they would meet; every team’s round chances', async () => {
    await page.click('.tabs a[data-tab="matchups"]');
    await page.waitForSelector('#teams tbody tr');
    const [a, b] = [sample.teams[0], sample.teams.find((t) => t.name === "Mount St. Mary's")!];
    await page.selectOption('#team-a', a.key);
    await page.selectOption('#team-b', b.key);
    await page.waitForFunction((name) => (globalThis as any).document.querySelector('#matchup')?.textContent?.includes(name), b.name);
    const pa = Number((await page.textContent('[data-card="p-a"] .value'))!.replace('%', ''));
    const pb = Number((await page.textContent('[data-card="p-b"] .value'))!.replace('%', ''));
    expect(pa + pb).toBeCloseTo(100, 0);
    expect(await page.textContent('[data-card="round"] .value')).toMatch(/round of|sweet 16|elite 8|final/);
    expect(await page.$$eval('#teams tbody tr', (trs) => trs.length)).toBe(68);
    await shot(page, 'matchups');
    await atPhoneWidth(page, 'matchups');
  });

  it('optimiser runs side by side: each strategy with its parameters, our results over the simulations, and its bids', async () => {
    await page.click('.tabs a[data-tab="optimiser"]');
    await page.waitForSelector('#compare');
    expect(await texts(page, '#compare thead th[data-run]')).toEqual(
      expect.arrayContaining([expect.stringContaining('payout'), expect.stringContaining('first'), expect.stringContaining('mean-variance')]),
    );
    const pFirst = await page.$$eval('#compare tr[data-metric="p-first"] td', (tds) => tds.map((td) => Number(td.textContent!.replace('%', ''))));
    const strategies = await page.$$eval('#compare thead th[data-run]', (ths) => ths.map((th) => th.textContent!.replace(/^#\d+/, '')));
    // The finishing-first strategy wins more often than the payout strategy.
    expect(pFirst[strategies.indexOf('first')]).toBeGreaterThan(pFirst[strategies.indexOf('payout')]);
    expect(await page.$$eval('#compare-bids tbody tr', (trs) => trs.length)).toBeGreaterThan(3);
    await shot(page, 'optimiser');
    await atPhoneWidth(page, 'optimiser');
    expect(consoleErrors).toEqual([]);
  });
});
