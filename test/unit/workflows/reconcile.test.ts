// The reconciler workflow's decisions over time, against Temporal's time-skipping test server with
// stub activities (the facts a tick sees are simulated; the runs it starts are real pipeline-run
// children with a stub step): a burst of late batches causes one re-run once quiet; a day that keeps
// receiving data re-runs at most once per quiet period; `refinery stale run` (the update) runs at
// once; a partition whose run is already going in Temporal is never started twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStart } from '../../../engine/history/run-history.ts';
import type { StepReport } from '../../../engine/activities/index.ts';
import type { PipelineDefinition, RunSummary } from '../../../engine/pipeline/types.ts';
import type { ReconcileFacts } from '../../../engine/activities/reconcile.ts';
import type { DuePartition } from '../../../engine/staleness/detect.ts';
import { effectivePolicy, type PolicyOverrides } from '../../../engine/staleness/plan.ts';
import { pipelineRun } from '../../../engine/workflows/pipeline-run.ts';
import { pokeSignal, reconcile, reconcileNowUpdate, reconcilerStateQuery } from '../../../engine/workflows/reconcile.ts';
import { stubWorker, untilCancelled, type StubWorker } from '../../support/time-skipping.ts';

const taskQueue = 'reconcile-unit';
const MIN = 60_000;
const DAY = '2026-11-23';

/**
 * One pipeline's simulated world: the partition's inputs (a version that changes with every batch,
 * and when it last changed), its latest run, and the runs the reconciler started.
 */
interface World {
  pipeline: PipelineDefinition;
  version: number;
  changedAtMs: number;
  /** Called at every tick, with the test server's time: may land more batches. */
  onTick?: (w: World, nowMs: number) => void;
  ticks: number;
  running: boolean;
  /** The inputs the last successful run saw (the watermark); the partition is stale while they differ. */
  succeededVersion: number;
  /** When a tick first saw the partition stale (ops.partition_watermarks.stale_since); cleared by a success. */
  staleSinceMs: number | null;
  latestRun: DuePartition['latestRun'];
  starts: (RunStart & { atMs: number; version: number })[];
  /** How each started run's step behaves. */
  step?: () => Promise<void>;
}
const worlds = new Map<string, World>();
/** Run ids as the history would hand them out, and whose world each run is of. */
let lastRunId = 1;
const runsOf = new Map<number, World>();
let stub: StubWorker;
const now = () => stub.env.currentTimeMs();

function world(name: string, over: Partial<World> = {}): World {
  const w: World = {
    pipeline: {
      name,
      partitioning: { kind: 'daily', timezone: 'UTC' },
      inputs: [{ kind: 'arrivals', source: 'imu_readings' }],
      lateData: { quietPeriod: '10 minutes', lookback: '3650 days' },
      steps: [{ id: 'work', activity: 'work', layer: 'silver' }],
    },
    version: 0,
    changedAtMs: 0,
    ticks: 0,
    running: false,
    succeededVersion: 0,
    staleSinceMs: null,
    latestRun: null,
    starts: [],
    ...over,
  };
  worlds.set(name, w);
  return w;
}

function due(w: World, nowMs: number): DuePartition[] {
  if (w.version === w.succeededVersion) return [];
  return [
    {
      partition: DAY,
      state: 'stale',
      watermark: { runId: 1, succeededAt: '2026-11-24T01:00:00Z' },
      changes: [],
      reason: `${w.version - w.succeededVersion} batches arrived after run 1`,
      kinds: ['arrivals'],
      version: `v${w.version}`,
      quietForMs: nowMs - w.changedAtMs,
      staleForMs: w.staleSinceMs === null ? null : nowMs - w.staleSinceMs,
      ageMs: 2 * 86_400_000,
      latestRun: w.latestRun && { ...w.latestRun, startedForMs: nowMs - w.starts.at(-1)!.atMs },
    },
  ];
}

beforeAll(() => {
  stub = stubWorker(taskQueue, {
    reconcileFacts: async (request: { pipeline: string; overrides?: PolicyOverrides; partitions?: string[] }): Promise<ReconcileFacts> => {
      const w = worlds.get(request.pipeline)!;
      const nowMs = await now();
      w.ticks++;
      w.onTick?.(w, nowMs);
      if (w.version !== w.succeededVersion) w.staleSinceMs ??= nowMs;
      return {
        pipeline: w.pipeline.name,
        policy: effectivePolicy(w.pipeline, request.overrides),
        due: due(w, nowMs).filter((d) => !request.partitions || request.partitions.includes(d.partition)),
        runningLateData: w.running && w.latestRun?.trigger === 'late-data' ? 1 : 0,
        checkedAt: new Date(nowMs).toISOString(),
      };
    },
    loadPipeline: async (name: string) => worlds.get(name)!.pipeline,
    captureInputs: async (_runId: number, _p: unknown, _partition: string) => ({}),
    startRun: async (run: RunStart): Promise<{ runId: number }> => {
      const w = worlds.get(run.pipeline)!;
      const id = ++lastRunId;
      runsOf.set(id, w);
      w.starts.push({ ...run, atMs: await now(), version: w.version });
      w.running = true;
      w.latestRun = { id, status: 'running', trigger: run.trigger, startedForMs: 0, version: `v${w.version}`, error: null };
      return { runId: id };
    },
    work: async (input: { pipeline: string }): Promise<StepReport> => {
      await worlds.get(input.pipeline)!.step?.();
      return { attempt: 1, checks: [], lineage: { reads: [], writes: [] }, recorded: true };
    },
    // The step of a run started elsewhere: holds until cancelled.
    hold: untilCancelled,
    recordStepOutcome: async () => {},
    endRun: async (id: number, summary: RunSummary) => {
      const w = runsOf.get(id)!;
      w.running = false;
      w.latestRun = { ...w.latestRun!, status: summary.status };
      // A success moves the watermark to the inputs the run saw as it started.
      if (summary.status === 'succeeded') {
        w.succeededVersion = w.starts.at(-1)!.version;
        w.staleSinceMs = null;
      }
    },
  });
  return stub.ready;
}, 60_000);
afterAll(() => stub?.close());

function startReconciler(w: World, overrides: PolicyOverrides = {}) {
  return stub.env.client.workflow.start(reconcile, {
    taskQueue,
    workflowId: `reconcile/${w.pipeline.name}`,
    args: [{ pipeline: w.pipeline.name, computeQueue: taskQueue, tick: '1 minute', overrides }],
  });
}

/** Moves the test server's clock on a minute at a time (one reconciler tick each). */
async function minutes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await stub.env.sleep(MIN);
}

describe('reconciler workflow (time-skipping, stub activities)', () => {
  it('re-runs a day once for a burst of 100 late batches, only after its inputs were quiet for the quiet period', async () => {
    const w = world('burst');
    let batches = 0;
    // One batch per tick for 100 ticks (each changes the inputs), then nothing.
    w.onTick = (x, nowMs) => {
      if (batches < 100) {
        batches++;
        x.version++;
        x.changedAtMs = nowMs;
      }
    };
    const handle = await startReconciler(w);
    await minutes(100);
    expect(batches).toBe(100);
    expect(w.starts).toEqual([]);
    const lastBatchMs = w.changedAtMs;
    await minutes(30);
    await handle.terminate();
    expect(w.starts).toHaveLength(1);
    expect(w.starts[0]).toMatchObject({ trigger: 'late-data', reason: '100 batches arrived after run 1', partition: DAY, version: 100 });
    expect(w.starts[0]!.atMs - lastBatchMs).toBeGreaterThanOrEqual(10 * MIN);
    expect(w.starts[0]!.atMs - lastBatchMs).toBeLessThan(12 * MIN);
    expect(w.succeededVersion).toBe(100);
  });

  it('re-runs a day that keeps receiving data at most once per quiet period, even with a shorter maxDelay', async () => {
    const w = world('busy');
    // Overdue 3 minutes after going stale, but never quiet: the quiet period still spaces the re-runs.
    w.pipeline.lateData = { quietPeriod: '10 minutes', maxDelay: '3 minutes', lookback: '3650 days' };
    w.onTick = (x, nowMs) => {
      x.version++;
      x.changedAtMs = nowMs;
    };
    // staleForMs counts from the first tick that saw the day stale.
    const handle = await startReconciler(w);
    await minutes(90);
    await handle.terminate();
    expect(w.starts.length).toBeGreaterThanOrEqual(5);
    expect(w.starts.length).toBeLessThanOrEqual(9);
    for (let i = 1; i < w.starts.length; i++) expect(w.starts[i]!.atMs - w.starts[i - 1]!.atMs).toBeGreaterThanOrEqual(10 * MIN);
    expect(w.starts.every((s) => s.trigger === 'late-data')).toBe(true);
  });

  it('runs a day at once when asked (refinery stale run), and not a second time while that run goes', async () => {
    const w = world('by-hand', { version: 1 });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    w.step = () => released;
    w.changedAtMs = await now();
    const handle = await startReconciler(w);
    const first = await handle.executeUpdate(reconcileNowUpdate, { args: [{ partitions: [DAY] }] });
    expect(first.decisions).toEqual([expect.objectContaining({ partition: DAY, action: 'launch', trigger: 'late-data', workflowId: `by-hand/${DAY}` })]);
    const second = await handle.executeUpdate(reconcileNowUpdate, { args: [{ partitions: [DAY] }] });
    expect(second.decisions).toEqual([expect.objectContaining({ partition: DAY, action: 'wait' })]);
    release();
    await stub.env.client.workflow.getHandle(`by-hand/${DAY}`).result();
    await handle.terminate();
    expect(w.starts).toHaveLength(1);
    expect(w.succeededVersion).toBe(1);
  });

  it('never starts a partition whose run is already going in Temporal, even when the run history does not show it yet', async () => {
    const w = world('racing', { version: 1 });
    w.changedAtMs = -60 * MIN;
    // A run of the day started elsewhere (a backfill, by hand) under the day's workflow id, still
    // going; its history lands in another world, so the reconciler's facts do not show it.
    const elsewhere = world('racing-elsewhere');
    const other = await stub.env.client.workflow.start(pipelineRun, {
      taskQueue,
      workflowId: `racing/${DAY}`,
      args: [{ pipeline: { ...elsewhere.pipeline, steps: [{ id: 'hold', activity: 'hold', layer: 'silver' }] }, partition: DAY, computeQueue: taskQueue }],
    });
    // The held step's activity stops the server's clock from skipping: poke the ticks instead.
    const handle = await startReconciler(w);
    let state = await handle.query(reconcilerStateQuery);
    while (state.ticks < 3) {
      await handle.signal(pokeSignal);
      await new Promise((r) => setTimeout(r, 100));
      state = await handle.query(reconcilerStateQuery);
    }
    await handle.terminate();
    await other.terminate();
    expect(state.lastTick?.decisions).toEqual([expect.objectContaining({ partition: DAY, action: 'wait', next: 'a run of this partition is already going' })]);
    expect(state.started).toBe(0);
  });
});
