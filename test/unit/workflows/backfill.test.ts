// The backfill workflow's decisions, against Temporal's time-skipping test server with stub
// activities: the sliding window of child runs, only-failed mode, continue-as-new, cancellation.
// The children are real pipeline-run workflows whose one step is a stub. Milliseconds per case.
import { CancelledFailure, type WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackfillCounts, BackfillRecord } from '../../../engine/activities/backfills.ts';
import type { StepReport } from '../../../engine/activities/index.ts';
import type { PartitionRange } from '../../../engine/pipeline/partitions.ts';
import type { PipelineDefinition, StepInput } from '../../../engine/pipeline/types.ts';
import { backfill, backfillProgressQuery, type BackfillProgress } from '../../../engine/workflows/backfill.ts';
import { stubWorker, untilCancelled, type StubWorker } from '../../support/time-skipping.ts';

let stub: StubWorker;
const taskQueue = 'backfill-unit';

/** What one backfill's stubs saw, by its pipeline name (each test uses its own). */
interface Trace {
  partitions: string[];
  active: number;
  maxActive: number;
  starts: BackfillRecord[];
  end?: { status: string; counts: BackfillCounts };
  redoAskedFor?: string[];
}
const traces = new Map<string, Trace>();
const trace = (pipeline: string) => traces.get(pipeline)!;
/** How each test's step behaves, by pipeline name. */
const behaviour = new Map<string, (input: StepInput, t: Trace) => Promise<void>>();
const redo = new Map<string, (partitions: string[]) => string[]>();

// stub is assigned before anything starts, so afterAll stops what started even if starting times out.
beforeAll(() => {
  stub = stubWorker(taskQueue, {
    step: async (input: StepInput): Promise<StepReport> => {
      const t = trace(input.pipeline);
      t.partitions.push(input.partition);
      t.maxActive = Math.max(t.maxActive, ++t.active);
      try {
        await behaviour.get(input.pipeline)?.(input, t);
      } finally {
        t.active--;
      }
      return { attempt: 1, checks: [], lineage: { reads: [], writes: [] }, recorded: true };
    },
    startRun: async () => ({ runId: 1 }),
    recordStepOutcome: async () => {},
    endRun: async () => {},
    selectPartitionsToRedo: async (pipeline: string, partitions: string[]) => {
      trace(pipeline).redoAskedFor = partitions;
      return redo.get(pipeline)!(partitions);
    },
    recordBackfillStart: async (b: BackfillRecord) => {
      trace(b.pipeline).starts.push(b);
    },
    recordBackfillEnd: async (id: string, status: string, counts: BackfillCounts) => {
      trace(id.split('/')[1]!).end = { status, counts };
    },
  });
  return stub.ready;
}, 60_000);
afterAll(() => stub?.close());

const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10));

function start(name: string, range: PartitionRange, options: { concurrency: number; mode?: 'all' | 'only-failed'; childrenPerRun?: number }) {
  traces.set(name, { partitions: [], active: 0, maxActive: 0, starts: [] });
  const pipeline: PipelineDefinition = { name, partitioning: { kind: 'daily', timezone: 'UTC' }, steps: [{ id: 'work', activity: 'step', layer: 'silver' }] };
  return stub.env.client.workflow.start(backfill, {
    taskQueue,
    workflowId: `backfill/${name}`,
    args: [{ pipeline, range, mode: options.mode ?? 'all', concurrency: options.concurrency, childrenPerRun: options.childrenPerRun, computeQueue: taskQueue }],
  });
}

describe('backfill workflow (time-skipping, stub activities)', () => {
  it('keeps at most N child runs going, fills the window, and runs every partition once', async () => {
    // Each step waits until the window is full (or 300 ms), so a window that never fills shows.
    behaviour.set('window', async (_input, t) => {
      for (let i = 0; i < 30 && t.active < 3; i++) await new Promise((r) => setTimeout(r, 10));
    });
    const result = await (await start('window', { from: '2026-01-01', to: '2026-01-10' }, { concurrency: 3 })).result();
    expect(result).toMatchObject({ total: 10, succeeded: 10, failed: 0, pending: 0, running: 0 });
    expect(trace('window').maxActive).toBe(3);
    expect([...trace('window').partitions].sort()).toEqual(days('2026-01-01', 10));
    expect(trace('window').end).toMatchObject({ status: 'succeeded' });
  });

  it('in only-failed mode runs exactly the partitions the history says are missing or failed', async () => {
    redo.set('redo', (partitions) => partitions.filter((p) => p.endsWith('2') || p.endsWith('5')));
    const result = await (await start('redo', { from: '2026-02-01', to: '2026-02-06' }, { concurrency: 2, mode: 'only-failed' })).result();
    expect(trace('redo').redoAskedFor).toEqual(days('2026-02-01', 6));
    expect([...trace('redo').partitions].sort()).toEqual(['2026-02-02', '2026-02-05']);
    expect(result).toMatchObject({ total: 2, succeeded: 2 });
  });

  it('continues as new every N children and still runs every partition exactly once', async () => {
    const result = await (await start('long', { from: '2026-03-01', to: '2026-03-10' }, { concurrency: 2, childrenPerRun: 4 })).result();
    expect(result).toMatchObject({ total: 10, succeeded: 10, continuedAsNew: 2 });
    expect([...trace('long').partitions].sort()).toEqual(days('2026-03-01', 10));
    // One start record per workflow run (4 + 4 + 2 children), all of the same backfill.
    expect(trace('long').starts.map((s) => s.id)).toEqual(['backfill/long', 'backfill/long', 'backfill/long']);
  });

  it('on cancel, cancels the running children and starts nothing new', async () => {
    behaviour.set('stop', untilCancelled);
    const handle = await start('stop', { from: '2026-04-01', to: '2026-04-06' }, { concurrency: 2 });
    while (trace('stop').active < 2) await new Promise((r) => setTimeout(r, 10));
    const progress: BackfillProgress = await handle.query(backfillProgressQuery);
    expect(progress).toMatchObject({ total: 6, running: 2, pending: 4 });
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect([...trace('stop').partitions].sort()).toEqual(['2026-04-01', '2026-04-02']);
    expect(trace('stop').end).toEqual({ status: 'cancelled', counts: expect.objectContaining({ cancelled: 2, pending: 4, running: 0, succeeded: 0 }) });
  });
});
