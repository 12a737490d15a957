// Data-aware triggers on the real stack, with worker processes: demo_quality runs once per demo day
// that succeeds (daily → daily) and demo_weekly whenever a day of its week does (days → week),
// started by their reconcilers (`refinery reconcile start`); SIGKILL of every worker process in the
// middle loses no trigger and doubles none; a demo day that runs again triggers its downstream once
// more, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { reconcilerRunning, stopReconciler } from '../../engine/temporal/reconcilers.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { runPipeline } from '../support/pipelines.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';

let stack: TestStack;
const processes: RefineryProcess[] = [];
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'];

async function startWorkers(): Promise<RefineryProcess[]> {
  const started = (['io', 'compute'] as const).map((queue) => startRefinery(['worker', '--queue', queue], stackEnv(stack)));
  processes.push(...started);
  await Promise.all(started.map((p) => p.waitFor(/worker running/)));
  return started;
}

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(async () => {
  for (const p of ['demo_quality', 'demo_weekly']) await stopReconciler(stack.client, p).catch(() => {});
  for (const p of processes) await p.kill('SIGKILL');
  await stack?.close();
});

interface RunRow {
  partition: string;
  status: string;
  trigger: string;
  reason: string | null;
  id: number;
}

async function runs(pipeline: string): Promise<RunRow[]> {
  const { rows } = await stack.pools.owner.query<RunRow>(
    `SELECT partition_key AS partition, status, trigger, reason, id::int FROM ops.pipeline_runs WHERE pipeline = $1 ORDER BY id`,
    [pipeline],
  );
  return rows;
}

const settled = async (pipeline: string, count: number) => {
  const r = await runs(pipeline);
  return r.length >= count && r.every((x) => x.status !== 'running') ? r : undefined;
};

describe('data-aware triggers', () => {
  it('run the downstream partition of every upstream success once, across SIGKILL of every worker, and again when the upstream runs again', async () => {
    const first = await startWorkers();
    const start = startRefinery(['reconcile', 'start', 'demo_quality', 'demo_weekly', '--tick', '1 second'], stackEnv(stack));
    expect(await start.exited).toBe(0);
    expect(start.output()).toContain('reconcile/demo_quality: started');
    expect(await reconcilerRunning(stack.client, 'demo_weekly')).toBe(true);

    const backfill = await startBackfill(stack.client, stack.config, getPipeline('demo'), {
      range: { from: DAYS[0]!, to: DAYS.at(-1)! },
      concurrency: 2,
      params: { count: 500 },
      taskQueues: stack.taskQueues,
    });
    // Kill every process once downstream runs have begun, then bring them back.
    await until('a demo_quality run', async () => ((await runs('demo_quality')).length ? true : undefined), 60_000, 50);
    for (const p of first) await p.kill('SIGKILL');
    await startWorkers();
    await backfill.result();

    const demo = await runs('demo');
    const quality = await until('a demo_quality run per demo day', () => settled('demo_quality', DAYS.length), 120_000);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await runs('demo_quality')).toHaveLength(DAYS.length);
    expect(quality.map((r) => [r.partition, r.status, r.trigger]).sort()).toEqual(DAYS.map((d) => [d, 'succeeded', 'upstream']));
    for (const q of quality) {
      const upstream = demo.filter((d) => d.partition === q.partition && d.status === 'succeeded').at(-1)!;
      expect(q.reason).toBe(`demo ${q.partition} succeeded (run ${upstream.id})`);
    }
    const { rows: gold } = await stack.pools.owner.query(`SELECT landed, kept FROM gold.demo_quality ORDER BY partition_date`);
    expect(gold).toHaveLength(DAYS.length);
    expect(gold.every((g) => g.landed === 500 && g.kept <= 500)).toBe(true);

    // The weeks: 2026-W47 (the 20th to the 22nd) and 2026-W48 (the 23rd to the 25th), each totalling its days.
    await until(
      'each week holding all its days',
      async () => {
        const { rows } = await stack.pools.owner.query(`SELECT week, days FROM gold.demo_weekly ORDER BY week`);
        const weekly = await settled('demo_weekly', 2);
        return weekly && rows.length === 2 && rows[0].days === 3 && rows[1].days === 3 ? rows : undefined;
      },
      60_000,
    );
    const weekly = await runs('demo_weekly');
    expect(new Set(weekly.map((w) => w.partition))).toEqual(new Set(['2026-W47', '2026-W48']));
    expect(weekly.every((w) => w.trigger === 'upstream' && w.status === 'succeeded')).toBe(true);
    expect(weekly.length).toBeLessThanOrEqual(DAYS.length);

    // Demo 2026-11-21 runs again: its quality row and its week follow, once.
    const again = await runPipeline(stack, getPipeline('demo'), '2026-11-21', { count: 800 });
    expect(again.status).toBe('succeeded');
    const after = await until('demo_quality 2026-11-21 again', async () => {
      const r = (await runs('demo_quality')).filter((x) => x.partition === '2026-11-21');
      return r.length === 2 && r[1]!.status === 'succeeded' ? r : undefined;
    });
    expect(after[1]!.trigger).toBe('upstream');
    expect(after[1]!.reason).toBe(`demo 2026-11-21 ran again (run ${again.runId}) after run ${after[0]!.id}`);
    await until('week 47 again', async () => {
      const w47 = (await runs('demo_weekly')).filter((w) => w.partition === '2026-W47');
      return w47.length > weekly.filter((w) => w.partition === '2026-W47').length && w47.every((w) => w.status === 'succeeded') ? w47 : undefined;
    });
    const { rows: week } = await stack.pools.owner.query(
      `SELECT w.events, (SELECT sum(events)::int FROM gold.demo_daily_summary WHERE partition_date BETWEEN '2026-11-16' AND '2026-11-22') AS days
         FROM gold.demo_weekly w WHERE week = '2026-W47'`,
    );
    expect(week[0].events).toBe(week[0].days);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await runs('demo_quality')).toHaveLength(DAYS.length + 1);
  }, 300_000);
});
