// The dashboard's operating views in a real headless browser against a real API process: the
// partition grid (a year × 12 steps, each cell a link to its run and step), a failed run's logs
// with the error's stack and causes, check results, the Temporal link, and open alerts.
// Screenshots go to test/.out/ for a human to look at.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { getPipeline } from '../../domains/index.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));
const UI = 'http://temporal-ui.test:8233';

let stack: TestStack;
let api: RefineryProcess;
let url: string;
let browser: Browser;
let reader: string;
let failedRunId: number;
let warnedRunId: number;
const consoleErrors: string[] = [];

/** A year of recorded history for a 12-step pipeline, written straight into ops (as bench/grid.ts does). */
async function seedYear(pipeline: string): Promise<void> {
  const steps = Array.from({ length: 12 }, (_, i) => ({
    id: `step_${String(i + 1).padStart(2, '0')}`,
    dependsOn: i ? [`step_${String(i).padStart(2, '0')}`] : [],
  }));
  await stack.pools.owner.query(
    `WITH runs AS (
       INSERT INTO ops.pipeline_runs (pipeline, partition_key, status, trigger, workflow_id, run_id, started_at, ended_at, definition)
       SELECT $1, d::date::text, CASE WHEN extract(doy FROM d)::int % 17 = 0 THEN 'failed' ELSE 'succeeded' END, 'backfill', $1 || '/' || d::date, md5(d::text), d, d + interval '5 minutes', $2::jsonb
         FROM generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d
       RETURNING id, status)
     INSERT INTO ops.step_runs (pipeline_run_id, step_id, activity, task_queue, layer, attempt, status)
     SELECT r.id, 'step_' || lpad(s::text, 2, '0'), 'noop', 'io', 'silver', CASE WHEN r.status = 'failed' AND s > 7 THEN 0 ELSE 1 END,
            CASE WHEN r.status = 'failed' AND s = 7 THEN 'failed' WHEN r.status = 'failed' AND s > 7 THEN 'skipped' ELSE 'succeeded' END
       FROM runs r, generate_series(1, 12) s`,
    [pipeline, JSON.stringify({ steps })],
  );
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  await (await startBackfill(stack.client, stack.config, getPipeline('demo'), { range: { from: '2026-09-01', to: '2026-09-03' }, concurrency: 3 })).result();
  const talkative = testPipeline('talkative', [
    { id: 'prepare', activity: 'noop', layer: 'bronze' },
    { id: 'talk', activity: 'chatty', layer: 'silver', dependsOn: ['prepare'], params: { lines: 40, fail: true }, retry: { maximumAttempts: 1 } },
  ]);
  failedRunId = (await runPipeline(stack, talkative, '2026-09-04')).runId;
  const warned = testPipeline('warned', [
    {
      id: 'land',
      activity: 'noop',
      layer: 'bronze',
      writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
      checks: [{ kind: 'rowCount', table: 'bronze.demo_events', min: 1, severity: 'warn' }],
    },
  ]);
  warnedRunId = (await runPipeline(stack, warned, '2026-09-05')).runId;
  await seedYear('yearly');
  await stack.pools.owner.query(
    `INSERT INTO ops.alerts (id, kind, pipeline, partition_key, due_at, detail) VALUES ('deadline/demo/2026-09-06', 'deadline', 'demo', '2026-09-06', now(), 'demo 2026-09-06 had not succeeded by its deadline')`,
  );
  ({ url, api, browser } = await openDashboard(stack, { TEMPORAL_UI_URL: UI }));
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
});

const signedIn = (path: string): Promise<Page> => signIn(browser, url, reader, path, consoleErrors);

describe('dashboard: operating views', () => {
  it('draws a year × 12 steps as a grid whose cells link to their run and step', async () => {
    const page = await signedIn('#/grid/yearly?from=2025-01-01&to=2025-12-31');
    await page.waitForSelector('#grid-timing:not(:empty)');
    expect(await page.$$eval('#grid a.cell[data-step]', (a) => a.length)).toBe(365 * 12);
    expect(await page.$$eval('#grid .cell.run', (a) => a.length)).toBe(365);
    expect(await page.$$eval('#grid a.cell.failed[data-step]', (a) => a.length)).toBe(21);
    const timing = await page.textContent('#grid-timing');
    expect(timing).toMatch(/^365 × 12 cells fetched and drawn in \d+ ms$/);
    // Opened at its newest partitions: the last column is inside the visible part of the scroller,
    // and the step names stay in view beside it.
    const [scrolled, lastVisible, labelVisible] = await page.$eval('.grid-scroll', (box) => {
      const view = box.getBoundingClientRect();
      const inView = (e: typeof box) => e.getBoundingClientRect().left >= view.left && e.getBoundingClientRect().right <= view.right;
      return [box.scrollLeft > 0, inView(box.querySelector('.cell.run[data-partition="2025-12-31"]')!), inView(box.querySelectorAll('.label')[12]!)];
    });
    expect([scrolled, lastVisible, labelVisible]).toEqual([true, true, true]);
    await page.screenshot({ path: `${shots}dashboard-grid-year.png`, fullPage: true });
    await page.close();

    // The demo pipeline's own grid: a cell opens its run with that step's logs.
    const demo = await signedIn('#/grid/demo?from=2026-08-31&to=2026-09-06');
    await demo.waitForSelector('#grid a.cell[data-step="clean"]');
    expect(await demo.$$eval('#grid .cell.none[data-partition]', (s) => s.map((e) => e.getAttribute('data-partition')))).toEqual([
      '2026-08-31',
      '2026-09-04',
      '2026-09-05',
      '2026-09-06',
    ]);
    await demo.screenshot({ path: `${shots}dashboard-grid-demo.png`, fullPage: true });
    await demo.click('#grid a.cell[data-step="clean"]');
    await demo.waitForSelector('#logs .attempt');
    expect(demo.url()).toMatch(/#\/runs\/\d+\?step=clean$/);
    expect(await demo.textContent('#logs')).toMatch(/kept \d+ of 10000 events \(good quality only\)/);
    await demo.close();
  });

  it("shows a failed run's logs with the error, its stack and causes, its checks and its Temporal link", async () => {
    const page = await signedIn(`#/runs/${failedRunId}`);
    await page.waitForSelector('#logs .attempt');
    const logs = await page.textContent('#logs');
    expect(logs).toContain('Logs · talk');
    expect(logs).toContain('working on chunk 40 of 40');
    expect(logs).toContain('Error: chunk 40 could not be written');
    expect(logs).toContain('Caused by Error: connection to postgres://loader:***@db.internal/warehouse refused');
    expect(logs).not.toContain('hunter2');
    expect(await page.getAttribute('#temporal-link', 'href')).toMatch(
      new RegExp(`^${UI}/namespaces/default/workflows/talkative%2F2026-09-04/[0-9a-f-]+/history$`),
    );
    await page.screenshot({ path: `${shots}dashboard-run-logs.png`, fullPage: true });
    await page.close();

    const warned = await signedIn(`#/runs/${warnedRunId}`);
    await warned.waitForSelector('#steps .check');
    expect(await warned.textContent('#steps .check.warn')).toBe('! rowCount(bronze.demo_events): 0 rows (expected ≥ 1)');
    await warned.screenshot({ path: `${shots}dashboard-run-checks.png`, fullPage: true });
    await warned.close();
  });

  it('shows open alerts and a way to the grid on the pipelines page, without console errors', async () => {
    const page = await signedIn('#/runs');
    await page.waitForSelector('[data-pipeline="demo"] .alert');
    expect(await page.textContent('[data-pipeline="demo"] .alert')).toBe('⚠ demo 2026-09-06 had not succeeded by its deadline');
    expect(await page.getAttribute('[data-pipeline="demo"] a[href^="#/grid/"]', 'href')).toBe('#/grid/demo');
    await page.screenshot({ path: `${shots}dashboard-pipelines-alerts.png`, fullPage: true });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
