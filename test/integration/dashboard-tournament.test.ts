// The dashboard's tournament view in a real headless browser against a real API process, over gold
// rows seeded with SQL: the rankings in mean-normalised-payout order with our entry highlighted,
// the investment report with its totals, the teams' round-reaching probabilities, switching runs
// and tournaments, and API text shown escaped. Screenshots go to test/.out/.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { MAIN, OURS, seedTournamentGold, type TournamentSeed } from '../support/tournament-gold.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));

let stack: TestStack;
let api: RefineryProcess;
let url: string;
let browser: Browser;
let reader: string;
let seed: TournamentSeed;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  seed = await seedTournamentGold(stack.pools.owner);
  ({ url, api, browser } = await openDashboard(stack));
});
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
});

const signedIn = (path: string): Promise<Page> => signIn(browser, url, reader, path, consoleErrors);

describe('dashboard: tournament', () => {
  it('ranks the entries of the newest run by mean normalised payout, with ours highlighted, the report and the probabilities', async () => {
    const page = await signedIn(`#/tournament/${MAIN}/rankings`);
    await page.waitForSelector('#rankings tbody tr[data-entry]');
    // Escaped, not rendered: the tournament name and a team name carry markup.
    expect(await page.textContent('#tournament-name')).toBe('NCAA 2025 <i>office</i> pool');
    expect(await page.$$eval('main i, main b', (els) => els.length)).toBe(0);
    expect(await page.inputValue('#tournament-select')).toBe(MAIN);
    // The newest run is chosen first: it has 10 entries.
    expect(await page.inputValue('#run-select')).toBe(String(seed.runIds[1]));
    expect(await page.$$eval('#rankings tbody tr', (trs) => trs.length)).toBe(10);

    await page.selectOption('#run-select', String(seed.runIds[0]));
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#rankings tbody tr').length === 25);
    expect(page.url()).toContain(`#/tournament/${MAIN}/rankings/${seed.runIds[0]}`);
    const rows = await page.$$eval('#rankings tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-entry'),
        Number(tr.querySelector('[data-mnp]')!.getAttribute('data-mnp')),
        tr.querySelector('[data-mnp]')!.textContent,
      ]),
    );
    expect(rows.map((r) => r[0])).toEqual(seed.entries.map((e) => e.entry));
    expect(rows.map((r) => r[1])).toEqual(seed.entries.map((e) => e.meanNormalisedPayout));
    expect(rows.map((r) => r[2])).toEqual(seed.entries.map((e) => e.meanNormalisedPayout.toFixed(3)));
    const ours = await page.$$eval('#rankings tr[data-ours]', (trs) => trs.map((tr) => tr.getAttribute('data-entry')));
    expect(ours).toEqual([OURS]);
    const oursSeed = seed.entries.find((e) => e.ours)!;
    const oursCells = await page.$eval('#rankings tr[data-ours] ', (tr) => [...tr.querySelectorAll('td')].map((c) => c.textContent!.trim()));
    expect(oursCells[0]).toBe(String(seed.entries.indexOf(oursSeed) + 1));
    expect(oursCells[3]).toBe(`${(oursSeed.pFirst * 100).toFixed(1)}%`);
    expect(oursCells[4]).toBe(`${(oursSeed.meanPercentile * 100).toFixed(1)}%`);
    expect(await page.$eval('#rankings tr[data-ours]', (tr) => (globalThis as any).getComputedStyle(tr).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');

    // The investment report, by expected payout, with totals.
    const report = await page.$$eval('#report tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-team')));
    expect(report).toEqual([...seed.report].sort((a, b) => b.expectedPayout - a.expectedPayout).map((r) => r.teamKey));
    expect(await page.textContent('#report [data-total="bid"]')).toBe('100.00');
    const payout = seed.report.reduce((a, r) => a + r.expectedPayout, 0);
    expect(await page.textContent('#report [data-total="payout"]')).toBe(payout.toFixed(2));
    expect(await page.textContent('#report [data-total="roi"]')).toBe(`${payout - 100 >= 0 ? '+' : ''}${(payout - 100).toFixed(1)}%`);
    expect(await page.textContent('#report tr[data-team="east-4"]')).toContain("St. Mary's <b>Gaels</b>");

    const shot = `${shots}dashboard-tournament.png`;
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);

    // Every team's round-reaching probabilities, by seed, in the matchups view.
    await page.click('.tabs a[data-tab="matchups"]');
    await page.waitForSelector('#teams tbody tr');
    const teams = await page.$$eval('#teams tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-team')));
    expect(teams).toHaveLength(16);
    expect(teams.slice(0, 4)).toEqual(['east-1', 'midwest-1', 'south-1', 'west-1']);
    const east1 = seed.teams.find((t) => t.teamKey === 'east-1')!;
    const cells = await page.$$eval('#teams tr[data-team="east-1"] td[data-bg]', (tds) => tds.map((td) => td.textContent));
    expect(cells).toEqual(east1.pAdvance.map((p) => `${(p * 100).toFixed(0)}%`));
    expect(await page.$$eval('#teams thead th', (ths) => ths.map((t) => t.textContent))).toContain('champion');

    // The other tournament: its one run with 4 entries and no bids.
    await page.click('.tabs a[data-tab="rankings"]');
    await page.waitForSelector('#rankings tbody tr');
    await page.selectOption('#tournament-select', 'ncaa-2024');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#tournament-name')?.textContent === 'NCAA 2024');
    await page.waitForSelector('[data-empty="no-report"]');
    expect(await page.$$eval('#rankings tbody tr', (trs) => trs.length)).toBe(4);
    await page.screenshot({ path: `${shots}dashboard-tournament-2024.png`, fullPage: true });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
