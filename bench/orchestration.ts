// Benchmark: what orchestration costs. (1) A 10-step pipeline of no-op steps, end to end, against a
// bare Temporal workflow running the same 10 no-op activities (the anchor: Temporal alone).
// (2) A 90-partition backfill of the demo pipeline at concurrency 1, 4 and 8: partitions/min and
// the share of each run that is orchestration rather than step work, three backfills per level.
// Both chains' workflow histories give how long Temporal kept each task waiting for a worker.
import { cpus as machineCpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getPipeline } from '../domains/index.ts';
import type { PipelineDefinition } from '../engine/pipeline/types.ts';
import { startBackfill, startPipelineRun } from '../engine/temporal/runs.ts';
import { median, repeated, verify, writeBenchResult, type BenchFigure } from './report.ts';
import { dispatchWaits } from './support/dispatch.ts';
import { cpuSince, sampleCpu, type CpuByProcess } from './support/process-cpu.ts';
import { describeBreakdown, runBreakdown, type RunBreakdown } from './support/run-breakdown.ts';
import { benchStack, bundleWorkflowCode, quiet, Worker, type BenchStack } from './support/stack.ts';
import { describeSplit, readStatementStats, resetStatementStats, splitStatements, statementKinds, type StatementStat } from './support/statement-time.ts';
import { runStepsAlone } from './support/steps-alone.ts';
import { describeMs, profiled, sampleThreads, threadsSince } from './support/worker-profile.ts';

// Shorter runs while developing: `npx tsx bench/orchestration.ts --rounds 3 --backfills 1 --concurrency 8 --dry`
// (--dry prints the figures without replacing bench/results/orchestration.json; --rounds 0 skips the chains).
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    backfills: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '90' },
    concurrency: { type: 'string', multiple: true, default: ['1', '4', '8'] },
    dry: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const BACKFILLS = Number(args.backfills);
const PARTITIONS = Number(args.partitions);
const LEVELS = args.concurrency.map(Number);
const cpuCount = machineCpus().length;

const chain: PipelineDefinition = {
  name: 'noop-chain',
  partitioning: { kind: 'keys' },
  steps: Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, activity: 'noop', layer: 'silver' as const, dependsOn: i ? [`s${i - 1}`] : [] })),
};

// The same chain with every step inline (run as a local activity inside the workflow task).
const inlineChain: PipelineDefinition = { ...chain, name: 'noop-chain-inline', steps: chain.steps.map((s) => ({ ...s, inline: true })) };

const demo = getPipeline('demo');

/** Backfill `partitions` fresh days of the demo from `from` at `concurrency`, with what every process spent. */
/** `PARTITIONS` fresh days: 100-day blocks from 2020 on, one block per backfill. */
function days(block: number): string[] {
  return Array.from({ length: PARTITIONS }, (_, i) => new Date(Date.UTC(2020, 0, 1) + (block * 100 + i) * 86_400_000).toISOString().slice(0, 10));
}

async function backfill(stack: BenchStack, block: number, concurrency: number) {
  const partitions = days(block);
  const [from, to] = [partitions[0]!, partitions.at(-1)!];
  await resetStatementStats(stack.owner);
  const cpuBefore = sampleCpu();
  const threadsBefore = sampleThreads();
  const t = performance.now();
  const handle = await startBackfill(stack.client, stack.config, demo, { range: { from, to }, concurrency });
  const result = await handle.result();
  const wallMs = performance.now() - t;
  const cpuAfter = sampleCpu();
  const threads = threadsSince(threadsBefore, sampleThreads());
  const statements = await readStatementStats(stack.owner);
  verify(result.succeeded === PARTITIONS, `backfill at concurrency ${concurrency}: ${result.succeeded}/${PARTITIONS} succeeded`);
  return { handle, wallMs, cpu: cpuBefore && cpuAfter ? cpuSince(cpuBefore, cpuAfter) : undefined, threads, statements };
}

/** Sums per-name maps (threads of several backfills). */
function addUp(maps: Map<string, number>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of maps) for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

async function main() {
  const stack = await benchStack('orchestration', { statementStats: true });
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  try {
    // The anchor worker: its own bundle and queue, one no-op activity.
    const anchorQueue = 'bench-anchor';
    const anchor = await Worker.create({
      connection: stack.native,
      taskQueue: anchorQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./support/anchor-workflows.ts', import.meta.url)), logger: quiet }),
      activities: { bareNoop: async () => {} },
    });
    const anchorRun = anchor.run();

    const ours: number[] = [];
    const inline: number[] = [];
    const bare: number[] = [];
    const oursWaits: number[] = [];
    const bareWaits: number[] = [];
    for (let r = 0; ROUNDS > 0 && r <= ROUNDS; r++) {
      let t = performance.now();
      const { handle } = await startPipelineRun(stack.client, stack.config, chain, `round-${r}`);
      const summary = await handle.result();
      const oursMs = performance.now() - t;
      verify(summary.status === 'succeeded' && summary.steps.length === chain.steps.length, `the no-op chain ended ${summary.status}`);
      t = performance.now();
      const inlineRun = await startPipelineRun(stack.client, stack.config, inlineChain, `round-${r}`);
      const inlineSummary = await inlineRun.handle.result();
      const inlineMs = performance.now() - t;
      verify(inlineSummary.status === 'succeeded' && inlineSummary.steps.length === chain.steps.length, `the inline chain ended ${inlineSummary.status}`);
      t = performance.now();
      const bareHandle = await stack.client.workflow.start('bareChain', { taskQueue: anchorQueue, workflowId: `bare-${r}`, args: [10] });
      await bareHandle.result();
      const bareMs = performance.now() - t;
      if (r === 0) continue; // the warm-up round
      ours.push(oursMs);
      inline.push(inlineMs);
      bare.push(bareMs);
      oursWaits.push(...dispatchWaits(await handle.fetchHistory()));
      bareWaits.push(...dispatchWaits(await bareHandle.fetchHistory()));
    }
    anchor.shutdown();
    await anchorRun;
    if (ROUNDS > 0) {
      const oursTime = repeated(ours);
      const bareTime = repeated(bare);
      const inlineTime = repeated(inline);
      const chainFigure = (name: string, time: typeof bareTime): BenchFigure => ({
        name,
        ...time,
        unit: 'ms',
        ratio: time.value / bareTime.value,
        goal: '≤250 ms',
        met: time.value <= 250,
      });
      figures.push(
        chainFigure('10-step no-op pipeline, end to end', oursTime),
        chainFigure('10-step no-op pipeline, steps inline (local activities)', inlineTime),
        { name: 'bare Temporal workflow, 10 no-op activities (anchor)', ...bareTime, unit: 'ms', ratio: 1 },
        { name: '  task dispatch wait (scheduled → started), pipeline', value: median(oursWaits), unit: 'ms' },
        { name: '  task dispatch wait (scheduled → started), anchor', value: median(bareWaits), unit: 'ms' },
      );
      notes.push(
        `Task dispatch: over the timed runs, Temporal kept each workflow or activity task waiting a median ${median(oursWaits).toFixed(1)} ms (${oursWaits.length} tasks) ` +
          `between scheduled and started in the pipeline's histories, and ${median(bareWaits).toFixed(1)} ms (${bareWaits.length} tasks) in the anchor's; ` +
          `that is ${(((median(oursWaits) * oursWaits.length) / ROUNDS / oursTime.value) * 100).toFixed(0)}% of a pipeline run and ` +
          `${(((median(bareWaits) * bareWaits.length) / ROUNDS / bareTime.value) * 100).toFixed(0)}% of an anchor run.`,
      );
    }

    for (const [level, concurrency] of (BACKFILLS ? LEVELS : []).entries()) {
      const perMin: number[] = [];
      const share: number[] = [];
      const walls: number[] = [];
      const breakdowns: RunBreakdown[] = [];
      const cpus: CpuByProcess[] = [];
      const threads: Map<string, number>[] = [];
      const statements: StatementStat[] = [];
      for (let b = 0; b < BACKFILLS; b++) {
        const { handle, wallMs, cpu, threads: byThread, statements: stats } = await backfill(stack, level * BACKFILLS + b, concurrency);
        if (cpu) cpus.push(cpu);
        threads.push(byThread);
        statements.push(...stats);
        // Per run, from ops timestamps: step work on the critical path against the run's duration.
        const breakdown = await runBreakdown(stack.pool, demo, handle.workflowId);
        verify(breakdown.runs === PARTITIONS, `ops recorded ${breakdown.runs} runs of the backfill, expected ${PARTITIONS}`);
        breakdowns.push(breakdown);
        perMin.push(PARTITIONS / (wallMs / 60_000));
        share.push(breakdown.orchestrationShare);
        walls.push(wallMs / 1000);
        console.log(`  concurrency ${concurrency}, backfill ${b + 1}: ${(wallMs / 1000).toFixed(1)} s; ${describeBreakdown(breakdown)}`);
      }
      const rate = repeated(perMin);
      const orchestration = repeated(share);
      const goals = concurrency === 8;
      const rateFigure: BenchFigure = {
        name: `demo backfill, ${PARTITIONS} partitions, concurrency ${concurrency}`,
        ...rate,
        unit: 'partitions/min',
        ...(goals ? { goal: '≥1,000 partitions/min', met: rate.value >= 1000 } : {}),
      };
      figures.push(rateFigure);
      figures.push({
        name: `  orchestration share of a run, concurrency ${concurrency}`,
        ...orchestration,
        unit: '% of run time',
        ...(goals ? { goal: '<30%', met: orchestration.value < 30 } : {}),
      });
      if (cpus.length) {
        // Where the machine's time went: CPU per partition of each process, and the rate the 2 cores would allow at that cost.
        const per = (k: keyof CpuByProcess) => median(cpus.map((c) => c[k] / PARTITIONS));
        const total = per('worker') + per('postgres') + per('temporal') + per('other');
        figures.push({ name: `  CPU per partition, concurrency ${concurrency}`, value: total, unit: 'ms (all processes)' });
        notes.push(
          `CPU per partition at concurrency ${concurrency} (median of ${cpus.length} backfills; CPU the processes used during the backfill ÷ partitions, so a server's background work over a longer backfill counts too): worker process (steps, workflows, SDK) ${per('worker').toFixed(0)} ms, ` +
            `PostgreSQL ${per('postgres').toFixed(0)} ms, Temporal dev server ${per('temporal').toFixed(0)} ms, other ${per('other').toFixed(0)} ms; ` +
            `${total.toFixed(0)} ms in all, so ${cpuCount} cores running nothing else would allow at most ${Math.round((cpuCount * 60_000) / total).toLocaleString('en-US')} partitions/min.`,
        );
        const split = splitStatements(statements, BACKFILLS * PARTITIONS);
        const statementMs = statementKinds.reduce((sum, k) => sum + split.byKind[k].ms, 0);
        notes.push(
          `PostgreSQL per partition at concurrency ${concurrency} by statement (pg_stat_statements, execution + planning, mean of ${BACKFILLS} backfills; wall time inside a backend, so it includes waiting for a core, and a COPY's includes waiting for the worker's rows): ` +
            `${describeSplit(split)}; ${statementMs.toFixed(0)} ms of statements against ${per('postgres').toFixed(0)} ms of PostgreSQL CPU (which also counts connection and protocol handling, commits, WAL and background processes).`,
          `Worker process per partition at concurrency ${concurrency}, by thread (CPU from /proc, mean of ${BACKFILLS} backfills; "node" is Node's other threads, the workflow sandbox's worker thread among V8's GC and compiler helpers; tokio-runtime-w and workflow-proces are Temporal's core SDK, in Rust): ${describeMs(addUp(threads), BACKFILLS * PARTITIONS, 8)}.`,
        );
        if (args.dry)
          for (const s of split.top)
            console.log(
              `    ${s.ms.toFixed(2).padStart(6)} ms ${s.calls.toFixed(1).padStart(5)}× ${s.kind.padEnd(12)} ${s.query.replace(/\s+/g, ' ').slice(0, 150)}`,
            );
      }
      // The breakdown of the median backfill (by partitions/min).
      // The anchor: the same steps and checks called directly, same concurrency, fresh partitions.
      const aloneCpuBefore = sampleCpu();
      const t = performance.now();
      await runStepsAlone(stack.pool, demo, days(60 + level), concurrency);
      const aloneMs = performance.now() - t;
      const aloneCpuAfter = sampleCpu();
      const aloneRate = PARTITIONS / (aloneMs / 60_000);
      figures.push({
        name: `  anchor: the demo's steps and checks alone (no orchestration), concurrency ${concurrency}`,
        value: aloneRate,
        unit: 'partitions/min',
      });
      rateFigure.ratio = rate.value / aloneRate;
      if (aloneCpuBefore && aloneCpuAfter) {
        const c = cpuSince(aloneCpuBefore, aloneCpuAfter);
        notes.push(
          `Anchor at concurrency ${concurrency}: the demo's 5 steps and their checks called directly (no Temporal, no step runner, no history), ${PARTITIONS} partitions: ` +
            `${aloneRate.toFixed(0)} partitions/min; CPU per partition worker ${(c.worker / PARTITIONS).toFixed(0)} ms, PostgreSQL ${(c.postgres / PARTITIONS).toFixed(0)} ms, ` +
            `${((c.worker + c.postgres + c.temporal + c.other) / PARTITIONS).toFixed(0)} ms in all, so the work alone would let ${cpuCount} cores run at most ` +
            `${Math.round((cpuCount * 60_000 * PARTITIONS) / (c.worker + c.postgres + c.temporal + c.other)).toLocaleString('en-US')} partitions/min.`,
        );
      }
      const typical = breakdowns[perMin.indexOf(repeated(perMin).value)] ?? breakdowns[0]!;
      notes.push(`Concurrency ${concurrency}: ${repeated(walls).value.toFixed(1)} s wall (median of ${BACKFILLS} backfills); ${describeBreakdown(typical)}.`);
    }
    // One more backfill at the highest concurrency, not counted in the figures, with the worker's main thread profiled.
    if (BACKFILLS) {
      const top = Math.max(...LEVELS);
      const { result, profile } = await profiled(() => backfill(stack, LEVELS.length * BACKFILLS, top));
      // The profile samples the thread whether it ran or waited for a core, so its areas are shares, applied to the thread's measured CPU.
      const mainMs = result.threads.get('main (JavaScript)') ?? 0;
      const sampled = [...profile.byArea.values()].reduce((a, b) => a + b, 0);
      const scaled = new Map([...profile.byArea].map(([area, ms]) => [area, (ms / sampled) * mainMs]));
      notes.push(
        `Worker main thread per partition at concurrency ${top}: ${(mainMs / PARTITIONS).toFixed(0)} ms of CPU in one more backfill (not counted above), split by code in the shares of a V8 CPU profile (self time): ` +
          `${describeMs(scaled, PARTITIONS)}.`,
      );
      if (args.dry) console.log(`  busiest files: ${describeMs(profile.byFile, PARTITIONS, 25)}`);
    }
  } finally {
    await stack.stop();
  }
  writeBenchResult(
    {
      id: 'orchestration',
      title: 'Orchestration overhead: pipeline runs and backfills on the Temporal dev server',
      reproduce: 'npx tsx bench/orchestration.ts',
      workload: `a 10-step chain of no-op steps, the same chain with every step inline, and a bare 10-activity workflow (${ROUNDS} runs of each after a warm-up, in turn); then ${BACKFILLS} backfills of ${PARTITIONS} fresh partitions of the demo pipeline (5 steps, 10,000 events per partition) at each of concurrency ${LEVELS.join(', ')}, each level's anchor the same steps and checks called directly on ${PARTITIONS} more fresh partitions, and one more profiled backfill at the highest level; in-process workers, embedded PostgreSQL (pg_stat_statements preloaded), Temporal dev server in memory`,
      figures,
      notes: [
        ...notes,
        "Per step, Refinery adds to Temporal's own cost the step runner's two writes in the activity (the attempt's start, then its outcome with rows, checks and lineage, one statement each); the workflow records a step's outcome itself only when the runner could not. The dev server runs with eager activity execution, so a step on the workflow's own queue starts without a task queue round trip (the anchor's activities too).",
        "Orchestration share = 1 − (critical-path step time ÷ run time), from ops timestamps; the critical path is the chain of steps that ended the run. A step's wait runs from its dependencies' end (or the run's start) to its attempt's start: the workflow task that schedules it, dispatch, a free slot on its queue's worker; at higher concurrency both work and waits include waiting for the shared 2 cores.",
      ],
    },
    { save: !args.dry },
  );
  if (args.dry) for (const note of notes) console.log(`  - ${note}`);
}

await main();
