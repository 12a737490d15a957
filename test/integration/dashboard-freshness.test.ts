// Freshness on the dashboard in a real headless browser against a real API process: gold pages say
// "as of" when their partitions were written and by which run, and show a stale badge with the
// reason where inputs changed since (late readings for one sensor day; a re-landed tournament file),
// the stale day marked in the activity chart. Runs are recorded through the engine's own run
// history, inputs through its capture and arrivals paths; gold rows are seeded with SQL.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../domains/index.ts';
import { createReconcileActivities } from '../../engine/activities/reconcile.ts';
import { recordRunEnd, recordRunStart, recordWatermark } from '../../engine/history/run-history.ts';
import { recordArrivals } from '../../engine/staleness/arrivals.ts';
import { scanLandingFolders } from '../../engine/staleness/landing-folders.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { MAIN, seedTournamentGold } from '../support/tournament-gold.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));
const DEVICE = 'wrist-042';
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22'];
const STALE_DAY = DAYS[1]!;

let stack: TestStack;
let landing: string;
let url: string;
let api: RefineryProcess;
let browser: Browser;
let reader: string;
const runIds = new Map<string, number>();
const consoleErrors: string[] = [];

/** A successful run of a partition, recorded the way the pipeline-run workflow records one. */
async function succeeded(pipeline: string, partition: string): Promise<number> {
  const db = stack.pools.worker;
  const id = await recordRunStart(db, { workflowId: `${pipeline}/${partition}`, runId: randomUUID(), pipeline, partition, trigger: 'schedule', params: {} });
  const capture = createReconcileActivities({ pools: { worker: db }, landingDir: landing, definitions });
  await capture.captureInputs(id, definitions.getPipeline(pipeline), partition);
  const now = new Date().toISOString();
  await recordRunEnd(db, id, { pipeline, partition, runId: id, status: 'succeeded', steps: [], startedAt: now, endedAt: now });
  await recordWatermark(db, id, { run: 5, failed: 0 });
  return id;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  landing = mkdtempSync(join(tmpdir(), 'refinery-landing-'));
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  const db = stack.pools.owner;
  for (const [i, day] of DAYS.entries()) {
    await db.query(`INSERT INTO gold.device_daily_activity VALUES ($1, $2, 9000, 90, 2, $3, $4, 'squat')`, [day, DEVICE, 20 + i * 5, { squat: 20 + i * 5 }]);
    await recordArrivals(stack.pools.ingest, 'imu_readings', [{ partition: day, origin: DEVICE, items: 9000 }]);
    runIds.set(day, await succeeded('sensor', day));
  }
  // Two phones sync late for the middle day.
  await recordArrivals(stack.pools.ingest, 'imu_readings', [
    { partition: STALE_DAY, origin: 'wrist-late-1', items: 200 },
    { partition: STALE_DAY, origin: 'wrist-late-2', items: 112 },
  ]);

  await seedTournamentGold(db);
  mkdirSync(join(landing, MAIN));
  writeFileSync(join(landing, MAIN, 'teams.csv'), 'team_key,name\nduke,Duke\n');
  runIds.set(MAIN, await succeeded('tournament', MAIN));
  writeFileSync(join(landing, MAIN, 'teams.csv'), 'team_key,name\nduke,Duke\nunc,UNC\n');
  await scanLandingFolders(stack.pools.worker, landing);

  ({ url, api, browser } = await openDashboard(stack));
});
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
  rmSync(landing, { recursive: true, force: true });
});

describe('dashboard: freshness', () => {
  it('shows a device page as of its newest day, with a stale badge and the stale day marked in the chart', async () => {
    const page = await signIn(browser, url, reader, `#/devices/${DEVICE}`, consoleErrors);
    await page.waitForSelector('#activity [data-freshness]');
    await page.waitForSelector('#activity-chart g.day');
    const note = page.locator('#activity [data-freshness]');
    expect(await note.getAttribute('data-stale')).toBe('true');
    const text = (await note.textContent())!;
    expect(text).toMatch(/^As of .+ · 3 partitions from 3 runs · checks passed/);
    const reason = `312 readings from 2 devices arrived after run ${runIds.get(STALE_DAY)}`;
    expect(await page.textContent(`#activity [data-stale-partition="${STALE_DAY}"]`)).toBe(`stale ${STALE_DAY}: ${reason}`);
    expect(await page.$$eval('#activity-chart g.day[data-stale]', (gs) => gs.map((g) => g.getAttribute('data-day')))).toEqual([STALE_DAY]);
    expect(await page.textContent(`#activity-chart g[data-day="${STALE_DAY}"] title`)).toContain(`STALE: ${reason}`);
    // The device list says the same of all its days.
    expect(await page.getAttribute('main > [data-freshness]', 'data-stale')).toBe('true');
    const shot = `${shots}dashboard-freshness-devices.png`;
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('shows a tournament as of the run that wrote it, stale since a landing file was re-landed', async () => {
    const page = await signIn(browser, url, reader, `#/tournament/${MAIN}`, consoleErrors);
    await page.waitForSelector('#tournament-name');
    const text = (await page.textContent('main [data-freshness]'))!;
    expect(text).toContain(`run ${runIds.get(MAIN)} (schedule)`);
    expect(text).toContain(`stale landing files teams.csv changed after run ${runIds.get(MAIN)}`);
    expect(await page.getAttribute(`main [data-freshness] a[href="#/runs/${runIds.get(MAIN)}"]`, 'href')).toBe(`#/runs/${runIds.get(MAIN)}`);
    await page.screenshot({ path: `${shots}dashboard-freshness-tournament.png`, fullPage: false });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
