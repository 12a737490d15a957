// The dashboard's model and devices views in a real headless browser against a real API process,
// over registry and gold rows seeded with SQL: the production model's metrics, confusion matrix
// heat-map and feature importance bars, the empty state of a model never promoted, and a device's
// daily activity chart and sessions. Screenshots go to test/.out/.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../lib/db/api-keys.ts';
import type { Pool } from '../../lib/db/pool.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));

const CLASSES = ['lunge', 'pushup', 'rest', 'squat'];
const MATRIX = [
  [41, 3, 0, 6],
  [2, 55, 1, 0],
  [0, 1, 97, 2],
  [5, 0, 1, 63],
];
// 24 features, so the view has to cut to the top 20; importances are distinct so the order is fixed.
const FEATURES = Array.from({ length: 24 }, (_, i) => ({
  feature: `${['acc', 'gyr', 'mag'][i % 3]}_${['x', 'y', 'z', 'mag'][i % 4]}_${['mean', 'std', 'rms', 'p90'][Math.floor(i / 6) % 4]}_${i}`,
  importance: Number((0.12 / (1 + i * 0.37)).toFixed(5)),
}));
const HEADLINE = { accuracy: 0.912, macro_precision: 0.897, macro_recall: 0.893, macro_f1: 0.894, oob_score: 0.905 };
const DEVICE = 'wrist-007';
// Six days with data over a week (09-04 missing).
const DAYS: [string, Record<string, number>][] = [
  ['2026-09-01', { squat: 12.5, pushup: 8 }],
  ['2026-09-02', { squat: 20, lunge: 6.5, rest: 3 }],
  ['2026-09-03', { pushup: 15 }],
  ['2026-09-05', { lunge: 11, squat: 4 }],
  ['2026-09-06', { squat: 25, pushup: 10, lunge: 5 }],
  ['2026-09-07', { rest: 2.5, pushup: 6 }],
];

let stack: TestStack;
let api: RefineryProcess;
let url: string;
let browser: Browser;
let reader: string;
const consoleErrors: string[] = [];

async function seed(db: Pool) {
  const {
    rows: [model],
  } = await db.query(
    `INSERT INTO registry.models (name, task, algorithm, description) VALUES ('exercise_classifier', 'classification', 'random_forest', 'Which exercise a wrist IMU window shows <b>not bold</b>') RETURNING id`,
  );
  const {
    rows: [dataset],
  } = await db.query(`INSERT INTO registry.datasets (name) VALUES ('imu-windows-2026-08') RETURNING id`);
  const {
    rows: [datasetVersion],
  } = await db.query(
    `INSERT INTO registry.dataset_versions (dataset_id, version, source, partitions, rows, class_counts)
     VALUES ($1, 1, 'silver.imu_windows', ARRAY['2026-08-01','2026-08-31'], 2771, '{"lunge":650,"pushup":580,"rest":1000,"squat":541}') RETURNING id`,
    [dataset.id],
  );
  const runOf = async (modelId: number) =>
    (
      await db.query(
        `INSERT INTO registry.training_runs (model_id, dataset_version_id, split, partition_key, status, seed, started_at, ended_at)
       VALUES ($1, $2, '{"test":0.1,"strategy":"by_session"}', '2026-08-31', 'succeeded', 42, '2026-09-01T02:00:00Z', '2026-09-01T02:03:10Z') RETURNING id`,
        [modelId, datasetVersion.id],
      )
    ).rows[0].id as number;
  const oldRun = await runOf(model.id);
  const run = await runOf(model.id);
  await db.query(`INSERT INTO registry.hyperparameters VALUES ($1, 'n_estimators', '200'), ($1, 'max_depth', '12')`, [run]);
  for (const [name, value] of Object.entries(HEADLINE))
    await db.query('INSERT INTO registry.metrics (training_run_id, name, value) VALUES ($1, $2, $3)', [run, name, value]);
  await db.query(`INSERT INTO registry.metrics (training_run_id, name, value) VALUES ($1, 'accuracy', 0.85)`, [oldRun]);
  for (const [i, label] of CLASSES.entries()) {
    const tp = MATRIX[i]![i]!;
    const support = MATRIX[i]!.reduce((a, b) => a + b, 0);
    const predicted = MATRIX.reduce((a, row) => a + row[i]!, 0);
    const p = tp / predicted,
      r = tp / support;
    for (const [name, value] of Object.entries({ precision: p, recall: r, f1: (2 * p * r) / (p + r), support })) {
      await db.query('INSERT INTO registry.metrics (training_run_id, name, value, label) VALUES ($1, $2, $3, $4)', [run, name, value, label]);
    }
  }
  await db.query(`INSERT INTO registry.metrics (training_run_id, name, details) VALUES ($1, 'confusion_matrix', $2)`, [
    run,
    JSON.stringify({ labels: CLASSES, matrix: MATRIX }),
  ]);
  await db.query(`INSERT INTO registry.metrics (training_run_id, name, details) VALUES ($1, 'feature_importance', $2)`, [
    run,
    JSON.stringify({ features: [...FEATURES].reverse() }),
  ]);
  const names = FEATURES.map((f) => f.feature);
  await db.query(
    `INSERT INTO registry.model_versions (model_id, version, training_run_id, status, artifact, feature_names, classes, gate, created_at, promoted_at)
     VALUES ($1, 1, $2, 'archived', '{}', $4, $5, '{"passed":true}', '2026-08-01T03:00:00Z', '2026-08-01T03:05:00Z'),
            ($1, 2, $3, 'production', '{}', $4, $5, '{"passed":true,"accuracy":0.912}', '2026-09-01T02:04:00Z', '2026-09-01T02:05:00Z')`,
    [model.id, oldRun, run, names, CLASSES],
  );

  const {
    rows: [posture],
  } = await db.query(`INSERT INTO registry.models (name, task, algorithm) VALUES ('posture_classifier', 'classification', 'random_forest') RETURNING id`);
  await db.query(
    `INSERT INTO registry.model_versions (model_id, version, status, artifact, feature_names, classes) VALUES ($1, 1, 'candidate', '{}', ARRAY['a','b'], ARRAY['sit','stand'])`,
    [posture.id],
  );

  for (const [day, byExercise] of DAYS) {
    const active = Object.values(byExercise).reduce((a, b) => a + b, 0);
    const top = Object.entries(byExercise).sort((a, b) => b[1] - a[1])[0]![0];
    await db.query(`INSERT INTO gold.device_daily_activity VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      day,
      DEVICE,
      Math.round(active * 60 * 50),
      Math.round(active * 30),
      Object.keys(byExercise).length,
      active,
      JSON.stringify(byExercise),
      top,
    ]);
  }
  await db.query(`INSERT INTO gold.device_daily_activity VALUES ('2026-09-03', 'ankle-002', 1200, 40, 1, 1.2, '{"rest":1.2}', 'rest')`);
  for (let i = 0; i < 8; i++) {
    const day = DAYS[DAYS.length - 1 - Math.floor(i / 2)]![0];
    const start = new Date(`${day}T${String(7 + (i % 2) * 10).padStart(2, '0')}:15:00Z`);
    await db.query(`INSERT INTO gold.session_summaries VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
      day,
      DEVICE,
      `s-${day}-${i % 2}`,
      start,
      new Date(start.getTime() + 540_000),
      540,
      270,
      CLASSES[i % 4],
      0.6 + i * 0.04,
      i === 3 ? 'lunge' : CLASSES[i % 4],
      i === 3 ? false : true,
      2,
    ]);
  }
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  await seed(stack.pools.owner);
  ({ url, api, browser } = await openDashboard(stack));
});
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
});

const signedIn = (path: string): Promise<Page> => signIn(browser, url, reader, path, consoleErrors);

describe('dashboard: model and devices', () => {
  it("shows the production model's metrics, confusion matrix and feature importance", async () => {
    const page = await signedIn('#/models');
    await page.waitForSelector('#confusion');
    expect(await page.textContent('h1')).toBe('exercise_classifier');
    expect(await page.$$eval('main b', (b) => b.length)).toBe(0);
    expect(await page.textContent('main')).toContain('<b>not bold</b>');
    expect(await page.textContent('#production')).toContain('version 2');
    const cards = await page.$$eval('#headline .card', (cs) => cs.map((c) => [c.getAttribute('data-metric'), c.querySelector('.value')!.textContent!.trim()]));
    expect(cards).toEqual(Object.entries(HEADLINE).map(([k, v]) => [k, v.toFixed(3)]));

    expect(await page.$$eval('#confusion thead th[data-col]', (ths) => ths.map((t) => t.textContent))).toEqual(CLASSES);
    expect(await page.$$eval('#confusion tbody th[data-row]', (ths) => ths.map((t) => t.textContent))).toEqual(CLASSES);
    const cells = await page.$$eval('#confusion tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td[data-pred]')].map((td) => Number(td.textContent))),
    );
    expect(cells).toEqual(MATRIX);
    // Shaded by row share: the diagonal of the 'rest' row (97 of 100) is darker than 'lunge' (41 of 50).
    const share = (t: string, p: string) => page.$eval(`#confusion td[data-true="${t}"][data-pred="${p}"]`, (td) => Number(td.getAttribute('data-share')));
    expect(await share('rest', 'rest')).toBeCloseTo(0.97);
    expect(await share('lunge', 'lunge')).toBeCloseTo(0.82);
    expect(await share('lunge', 'squat')).toBeCloseTo(0.12);

    const perClass = await page.$$eval('#per-class tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-class')));
    expect(perClass).toEqual(CLASSES);
    expect(await page.textContent('#per-class tr[data-class="rest"]')).toContain('100');

    const bars = await page.$$eval('#importance li', (lis) =>
      lis.map(
        (li) =>
          [
            li.getAttribute('data-feature'),
            parseFloat(
              li
                .querySelector('.bar')!
                .getAttribute('style')!
                .replace(/[^0-9.]/g, ''),
            ),
          ] as const,
      ),
    );
    expect(bars.map(([f]) => f)).toEqual(FEATURES.slice(0, 20).map((f) => f.feature));
    expect(bars[0]![1]).toBe(100);
    for (let i = 1; i < bars.length; i++) expect(bars[i]![1]).toBeLessThan(bars[i - 1]![1]);
    expect(await page.textContent('main')).toContain('Top 20 of 24 features');
    expect(await page.$$eval('#versions tbody tr', (trs) => trs.map((t) => t.getAttribute('data-version')))).toEqual(['2', '1']);

    const shot = `${shots}dashboard-model.png`;
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);

    // Choosing the model that was never promoted shows the empty state, not a half-drawn page.
    await page.selectOption('#model-select', 'posture_classifier');
    await page.waitForSelector('[data-empty="no-production"]');
    expect(await page.textContent('[data-empty="no-production"]')).toContain('No production model yet');
    expect(await page.$('#confusion')).toBeNull();
    expect(await page.$$eval('#versions tbody tr', (trs) => trs.length)).toBe(1);
    expect(page.url()).toContain('#/models/posture_classifier');
    await page.screenshot({ path: `${shots}dashboard-model-empty.png`, fullPage: true });
    await page.close();
  });

  it("charts a device's daily activity, one bar per day with data, and lists its sessions", async () => {
    const page = await signedIn('#/devices');
    await page.waitForSelector('#devices tbody tr[data-device]');
    expect(await page.$$eval('#devices tbody tr', (trs) => trs.map((t) => t.getAttribute('data-device')))).toEqual(['ankle-002', DEVICE]);
    await page.click(`#devices tr[data-device="${DEVICE}"] a`);
    await page.waitForSelector('#activity-chart g.day');
    expect(await page.inputValue('#f-from')).toBe('2026-09-01');
    expect(await page.inputValue('#f-to')).toBe('2026-09-07');
    const days = await page.$$eval('#activity-chart g.day', (gs) => gs.map((g) => g.getAttribute('data-day')));
    expect(days).toEqual(DAYS.map(([d]) => d));
    // Each day is stacked by exercise, with the minutes in its tooltip.
    for (const [day, byExercise] of DAYS) {
      const segs = await page.$$eval(`#activity-chart g[data-day="${day}"] rect[data-exercise]`, (rs) => rs.map((r) => r.getAttribute('data-exercise')));
      expect(segs).toEqual(Object.keys(byExercise).sort());
    }
    const tip = await page.textContent('#activity-chart g[data-day="2026-09-06"] title');
    expect(tip).toContain('2026-09-06: 40.0 active min');
    expect(tip).toContain('squat: 25.0 min');
    // Taller bar for the busier day.
    const height = (day: string) =>
      page.$$eval(`#activity-chart g[data-day="${day}"] rect[data-exercise]`, (rs) => rs.reduce((a, r) => a + Number(r.getAttribute('height')), 0));
    expect(await height('2026-09-06')).toBeGreaterThan(await height('2026-09-03'));
    expect(await page.$$eval('.legend [data-legend]', (ls) => ls.map((l) => l.getAttribute('data-legend')))).toEqual(CLASSES);

    await page.waitForSelector('#sessions tbody tr[data-session]');
    const sessions = await page.$$eval('#sessions tbody tr[data-session]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-session'), tr.querySelector('[data-predicted]')!.textContent, tr.querySelector('[data-confidence]')!.textContent]),
    );
    expect(sessions).toHaveLength(8);
    expect(sessions[0]).toEqual(['s-2026-09-07-1', 'pushup', '64.0%']);
    expect(sessions.at(-1)).toEqual(['s-2026-09-03-0', 'rest', '84.0%']);
    await page.screenshot({ path: `${shots}dashboard-devices.png`, fullPage: true });

    // A narrower range redraws the chart with only its days.
    await page.fill('#f-from', '2026-09-05');
    await page.dispatchEvent('#f-from', 'change');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#activity-chart g.day').length === 3);
    expect(await page.$$eval('#activity-chart g.day', (gs) => gs.map((g) => g.getAttribute('data-day')))).toEqual(['2026-09-05', '2026-09-06', '2026-09-07']);
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
