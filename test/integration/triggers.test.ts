// Data-aware triggers on the real stack: demo_quality runs once per demo day that succeeds (daily →
// daily) and demo_weekly once its week has a day that succeeded (days → week), started by their
// reconcilers; a demo day that runs again triggers its downstream once more, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { startReconcilers, stopReconciler } from '../../engine/temporal/reconcilers.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { runPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
});
afterAll(async () => {
  for (const p of ['demo_quality', 'demo_weekly']) await stopReconciler(stack.client, p).catch(() => {});
  await stack?.close();
});

interface RunRow {
  pipeline: string;
  partition: string;
  status: string;
  trigger: string;
  reason: string | null;
  id: number;
}

async function runs(pipeline: string): Promise<RunRow[]> {
  const { rows } = await stack.pools.owner.query<RunRow>(
    `SELECT pipeline, partition_key AS partition, status, trigger, reason, id::int FROM ops.pipeline_runs WHERE pipeline = $1 ORDER BY id`,
    [pipeline],
  );
  return rows;
}

const settled = async (pipeline: string, count: number) => {
  const r = await runs(pipeline);
  return r.length >= count && r.every((x) => x.status !== 'running') ? r : undefined;
};

describe('data-aware triggers', () => {
  it('run the downstream partition of every upstream success once, and again when the upstream runs again', async () => {
    await startReconcilers(stack.client, stack.config, [getPipeline('demo_quality'), getPipeline('demo_weekly')], {
      tick: '1 second',
      taskQueues: stack.taskQueues,
    });
    const backfill = await startBackfill(stack.client, stack.config, getPipeline('demo'), {
      range: { from: '2026-11-20', to: '2026-11-25' },
      concurrency: 2,
      params: { count: 500 },
      taskQueues: stack.taskQueues,
    });
    await backfill.result();
    const demo = await runs('demo');
    const quality = await until('a demo_quality run per demo day', () => settled('demo_quality', 6), 60_000);
    // A few ticks more: nothing else starts.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runs('demo_quality')).toHaveLength(6);
    expect(quality.map((r) => [r.partition, r.status, r.trigger]).sort()).toEqual(
      ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'].map((d) => [d, 'succeeded', 'upstream']),
    );
    for (const q of quality) {
      const upstream = demo.find((d) => d.partition === q.partition)!;
      expect(q.reason).toBe(`demo ${q.partition} succeeded (run ${upstream.id})`);
    }
    const { rows: gold } = await stack.pools.owner.query(`SELECT q.partition_date::text AS day, q.landed, q.kept FROM gold.demo_quality q ORDER BY 1`);
    expect(gold).toHaveLength(6);
    expect(gold.every((g) => g.landed === 500 && g.kept <= 500)).toBe(true);

    // The weeks: 2026-W47 (the 20th to the 22nd) and 2026-W48 (the 23rd to the 25th), each totalling its days.
    await until('both weeks summarised', () => settled('demo_weekly', 2), 30_000);
    await until('each week holding all its days', async () => {
      const { rows } = await stack.pools.owner.query(`SELECT week, days FROM gold.demo_weekly ORDER BY week`);
      return rows.length === 2 && rows[0].days === 3 && rows[1].days === 3 ? rows : undefined;
    });
    const weekly = await runs('demo_weekly');
    expect(new Set(weekly.map((w) => w.partition))).toEqual(new Set(['2026-W47', '2026-W48']));
    expect(weekly.every((w) => w.trigger === 'upstream' && w.status === 'succeeded')).toBe(true);

    // Demo 2026-11-21 runs again: its quality row and its week follow, once.
    const again = await runPipeline(stack, getPipeline('demo'), '2026-11-21', { count: 800 });
    expect(again.status).toBe('succeeded');
    const after = await until('demo_quality 2026-11-21 again', async () => {
      const r = (await runs('demo_quality')).filter((x) => x.partition === '2026-11-21');
      return r.length === 2 && r[1]!.status === 'succeeded' ? r : undefined;
    });
    expect(after[1]).toMatchObject({ trigger: 'upstream' });
    expect(after[1]!.reason).toMatch(new RegExp(`^demo 2026-11-21 ran again \\(run ${again.runId}\\) after run \\d+$`));
    await until('week 47 again', async () => {
      const w47 = (await runs('demo_weekly')).filter((w) => w.partition === '2026-W47');
      return w47.length >= 2 && w47.every((w) => w.status === 'succeeded') ? w47 : undefined;
    });
    const { rows: week } = await stack.pools.owner.query(
      `SELECT w.events, (SELECT sum(events)::int FROM gold.demo_daily_summary WHERE partition_date BETWEEN '2026-11-16' AND '2026-11-22') AS days
         FROM gold.demo_weekly w WHERE week = '2026-W47'`,
    );
    expect(week[0].events).toBe(week[0].days);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await runs('demo_quality')).length).toBe(7);
  }, 180_000);
});
