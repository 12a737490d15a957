// Benchmark: how long a manual run waits for its first step while a backfill saturates the
// workers. Three phases in one run: an idle system (the anchor), a saturated one where the manual
// run and the backfill have the same priority (what Temporal does without priorities), and one
// with Refinery's priorities (manual runs 2, backfill children 4). Goal: with priority, within 2 s
// of idle. Time to first step = the step's attempt start in ops minus the moment the run was asked for.
import { getPipeline } from '../domains/index.ts';
import type { PipelineDefinition } from '../engine/pipeline/types.ts';
import { startBackfill, startPipelineRun } from '../engine/temporal/runs.ts';
import { createWorker, workflowsPath } from '../engine/temporal/worker.ts';
import { definitions } from '../domains/index.ts';
import { createLogger } from '../lib/log.ts';
import { cpus, loadavg } from 'node:os';
import { writeBenchResult, type BenchFigure } from './report.ts';
import { benchStack, bundleWorkflowCode, quiet } from './support/stack.ts';
import { openStorage } from '../lib/storage/index.ts';

const SLOTS = 4;
const STEP_MS = 1000;
const CONCURRENCY = 40;
const SAMPLES = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;

const bulk: PipelineDefinition = {
  name: 'bulk',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  steps: [{ id: 'work', activity: 'sleep', layer: 'silver', params: { ms: STEP_MS } }],
};
const urgent: PipelineDefinition = { name: 'urgent', partitioning: { kind: 'keys' }, steps: [{ id: 'first', activity: 'noop', layer: 'gold' }] };

async function main() {
  void getPipeline; // the deployment's definitions register the control steps the workers run
  const stack = await benchStack('priority', { workers: false });
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  const log = createLogger('warn', 'bench');
  // One io worker with few activity slots: the backfill keeps them all busy and a backlog waiting.
  const worker = await createWorker({
    config: stack.config,
    queue: 'io',
    connection: stack.native,
    pools: { worker: stack.pool },
    log,
    definitions,
    storage: (await openStorage(stack.config.storage)).storage,
    workflowBundle: bundle,
    maxConcurrentActivities: SLOTS,
  });
  const running = worker.run();
  let sample = 0;

  async function timeToFirstStep(priority?: number): Promise<number> {
    const asked = Date.now();
    const { handle } = await startPipelineRun(stack.client, stack.config, urgent, `s${sample++}`, { priority });
    const summary = await handle.result();
    const { rows } = await stack.pool.query(`SELECT started_at FROM ops.step_runs WHERE pipeline_run_id = $1 AND attempt = 1`, [summary.runId]);
    return (rows[0].started_at as Date).getTime() - asked;
  }

  async function saturated(label: string, backfillPriority: number, runPriority: number, fair: boolean, from: string): Promise<number[]> {
    const to = new Date(Date.parse(`${from}T00:00:00Z`) + 399 * 86_400_000).toISOString().slice(0, 10);
    const backfill = await startBackfill(stack.client, stack.config, bulk, { range: { from, to }, concurrency: CONCURRENCY, priority: backfillPriority, fair });
    await new Promise((r) => setTimeout(r, 6000)); // the backlog builds up
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push(await timeToFirstStep(runPriority));
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM ops.pipeline_runs WHERE backfill_id = $1 AND status = 'running'`, [
      backfill.workflowId,
    ]);
    console.log(`  ${label}: backfill had ${rows[0].n} runs going at the end of the phase; ${times.map((t) => Math.round(t)).join(', ')} ms`);
    await backfill.cancel();
    await backfill.result().catch(() => {});
    return times;
  }

  try {
    for (let i = 0; i < 3; i++) await timeToFirstStep(); // warm-up
    const idle: number[] = [];
    for (let i = 0; i < SAMPLES; i++) idle.push(await timeToFirstStep());
    const same = await saturated('same priority, no fairness', 3, 3, false, '2020-01-01');
    const fairOnly = await saturated('same priority, fair', 3, 3, true, '2021-01-01');
    const ours = await saturated('with priority', 4, 2, true, '2022-01-01');
    const idleMs = median(idle);
    const sameMs = median(same);
    const oursMs = median(ours);
    const fairMs = median(fairOnly);
    const figures: BenchFigure[] = [
      { name: 'idle system (anchor)', value: idleMs, unit: 'ms', ratio: 1 },
      { name: 'saturated, no priority or fairness (Temporal as is)', value: sameMs, unit: 'ms', ratio: sameMs / idleMs },
      { name: "saturated, same priority, the backfill's own fairness key", value: fairMs, unit: 'ms', ratio: fairMs / idleMs },
      {
        name: 'saturated, Refinery priorities (run 2, backfill 4, fair)',
        value: oursMs,
        unit: 'ms',
        ratio: oursMs / idleMs,
        goal: '≤ idle + 2 s',
        met: oursMs <= idleMs + 2000,
      },
      { name: '  p90 with priority', value: p90(ours), unit: 'ms' },
    ];
    writeBenchResult({
      id: 'priority',
      title: "A manual run's time to first step while a backfill saturates the workers",
      reproduce: 'npx tsx bench/priority.ts',
      workload: `one io worker with ${SLOTS} activity slots; a 400-partition backfill at concurrency ${CONCURRENCY} of a one-step pipeline whose step sleeps ${STEP_MS} ms (so ~${CONCURRENCY - SLOTS} step tasks wait at any moment); median of ${SAMPLES} manual one-step runs per phase, started one after another; Temporal dev server (priority matcher on), embedded PostgreSQL`,
      figures,
      notes: [
        `Machine load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores when measured (shared machine: tail latencies are the first to suffer).`,
        'Time to first step: from the client asking for the run to the step attempt starting (ops.step_runs.started_at), on one machine clock.',
        "Without priority or fairness the manual run's step queues behind the backfill's backlog (FIFO); with Refinery's priorities it is dispatched to the next free slot.",
        "Fairness alone (the backfill's own fairness key at the runs' priority) already lets a manual run through, since the matcher alternates between keys; priority makes it independent of how many backfills share the queue.",
      ],
    });
  } finally {
    worker.shutdown();
    await running;
    await stack.stop();
  }
}

await main();
