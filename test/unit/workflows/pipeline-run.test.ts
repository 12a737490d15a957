// The pipeline-run workflow's decisions, against Temporal's time-skipping test server with stub
// activities (no database, no real steps): parallel branches, retries on their schedule, the
// downstream of a failure skipped, cancellation. Milliseconds per case.
import { Context } from '@temporalio/activity';
import proto from '@temporalio/proto';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepOutcomeRecord, StepReport } from '../../../engine/activities/index.ts';
import type { RunStart, StepKey } from '../../../engine/history/run-history.ts';
import type { PipelineDefinition, RunSummary, StepDefinition, StepInput } from '../../../engine/pipeline/types.ts';
import { failureSummary } from '../../../engine/temporal/runs.ts';
import { pipelineRun } from '../../../engine/workflows/index.ts';
import { stubWorker, untilCancelled, type StubWorker } from '../../support/time-skipping.ts';

let stub: StubWorker;
const taskQueue = 'pipeline-run-unit';

/** What one workflow's stubs saw: step starts and ends, recorded outcomes, the recorded summary. */
interface Trace {
  events: string[];
  outcomes: Record<string, StepOutcomeRecord['status']>;
  ended?: RunSummary;
}
const traces = new Map<string, Trace>();
const byRunId = new Map<number, Trace>();
/** Each test's step stubs, by activity name (names are unique across the tests of this file). */
const stubs: Record<string, (input: StepInput) => Promise<StepReport>> = {};

function stepActivity(name: string) {
  return async (input: StepInput): Promise<StepReport> => {
    const trace = byRunId.get(input.runId)!;
    trace.events.push(`start ${input.stepId}`);
    try {
      return await stubs[name]!(input);
    } finally {
      trace.events.push(`end ${input.stepId}`);
    }
  };
}

// stub is assigned before anything starts, so afterAll stops what started even if starting times out.
beforeAll(() => {
  let runIds = 0;
  stub = stubWorker(taskQueue, {
    ...Object.fromEntries(['work', 'meet', 'flaky', 'broken', 'long'].map((name) => [name, stepActivity(name)])),
    startRun: async (start: RunStart) => {
      const id = ++runIds;
      byRunId.set(id, traces.get(start.workflowId)!);
      return { runId: id };
    },
    recordStepOutcome: async (key: StepKey, outcome: StepOutcomeRecord) => {
      byRunId.get(key.runId)!.outcomes[key.stepId] = outcome.status;
    },
    endRun: async (id: number, summary: RunSummary) => {
      byRunId.get(id)!.ended = summary;
    },
  });
  return stub.ready;
}, 60_000);
afterAll(() => stub?.close());

/** A step's report; `recorded` says whether the step runner wrote the success itself (false: the workflow must). */
const report = (recorded = false): StepReport => ({ attempt: Context.current().info.attempt, checks: [], lineage: { reads: [], writes: [] }, recorded });
const step = (id: string, activity: string, dependsOn: string[] = [], extra: Partial<StepDefinition> = {}): StepDefinition => ({
  id,
  activity,
  layer: 'silver',
  dependsOn,
  ...extra,
});

/** Runs a pipeline of `steps` for one partition; `act` runs once the workflow started (to cancel it). */
async function run(steps: StepDefinition[], act?: (workflowId: string) => Promise<void>) {
  const pipeline: PipelineDefinition = { name: 'p', partitioning: { kind: 'daily', timezone: 'UTC' }, steps };
  const workflowId = `p/2026-03-01/${traces.size}`;
  const trace: Trace = { events: [], outcomes: {} };
  traces.set(workflowId, trace);
  const handle = await stub.env.client.workflow.start(pipelineRun, {
    taskQueue,
    workflowId,
    args: [{ pipeline, partition: '2026-03-01', computeQueue: taskQueue }],
  });
  await act?.(workflowId);
  const result = await handle.result().then(
    (summary) => ({ summary, error: undefined }),
    (error: unknown) => ({ summary: failureSummary<RunSummary>(error), error }),
  );
  return { ...result, ...trace, workflowId };
}

describe('pipeline-run workflow (time-skipping, stub activities)', () => {
  it('runs independent branches in parallel and a join only after both', async () => {
    // b and c meet at a barrier: if the workflow ran them one after the other, neither would pass it.
    let arrived = 0;
    let open!: () => void;
    const barrier = new Promise<void>((resolve) => (open = resolve));
    const meet = async () => {
      if (++arrived === 2) open();
      await Promise.race([barrier, new Promise((_, reject) => setTimeout(() => reject(new Error('the other branch never started')), 2000))]);
      return report();
    };
    Object.assign(stubs, { work: async () => report(), meet });
    const { summary, events } = await run([step('a', 'work'), step('b', 'meet', ['a']), step('c', 'meet', ['a']), step('d', 'work', ['b', 'c'])]);
    expect(summary?.status).toBe('succeeded');
    expect(summary?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
      ['d', 'succeeded'],
    ]);
    expect(events.indexOf('end a')).toBeLessThan(Math.min(events.indexOf('start b'), events.indexOf('start c')));
    expect(events.indexOf('start d')).toBeGreaterThan(Math.max(events.indexOf('end b'), events.indexOf('end c')));
  });

  it('records a success only when the step runner could not: one recording per attempt', async () => {
    // "meet" stands in for a step whose runner wrote its success; "work" for one whose write failed.
    Object.assign(stubs, { work: async () => report(false), meet: async () => report(true) });
    const { summary, outcomes } = await run([step('a', 'meet'), step('b', 'work', ['a']), step('c', 'meet', ['b'])]);
    expect(summary?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
    ]);
    expect(outcomes).toEqual({ b: 'succeeded' });
  });

  it('retries a failing step on its backoff schedule without waiting it out', async () => {
    stubs.flaky = async () => {
      if (Context.current().info.attempt < 3) throw new Error('not yet');
      return report();
    };
    const started = Date.now();
    const { summary } = await run([
      step('a', 'flaky', [], { retry: { maximumAttempts: 3, initialInterval: '10 minutes', backoffCoefficient: 2, maximumInterval: '1 hour' } }),
    ]);
    expect(summary?.steps[0]).toMatchObject({ status: 'succeeded', attempt: 3 });
    // 10 + 20 minutes of backoff, skipped by the test server.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('runs inline steps inside the workflow task: no activity task of their own, the same retries and outcomes', async () => {
    const local: Record<string, boolean> = {};
    Object.assign(stubs, {
      work: async (input: StepInput) => {
        local[input.stepId] = Context.current().info.isLocal;
        return report();
      },
      flaky: async (input: StepInput) => {
        local[input.stepId] = Context.current().info.isLocal;
        if (Context.current().info.attempt < 2) throw new Error('not yet');
        return report();
      },
    });
    const retry = { maximumAttempts: 2, initialInterval: '10 minutes' };
    const { summary, outcomes, workflowId } = await run([
      step('a', 'work', [], { inline: true }),
      step('b', 'flaky', ['a'], { inline: true, retry }),
      step('c', 'work', ['b']),
    ]);
    expect(
      summary?.steps.map((s) => [s.stepId, s.status, s.attempt]),
      JSON.stringify(summary?.steps),
    ).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'succeeded', 2],
      ['c', 'succeeded', 1],
    ]);
    expect(local).toEqual({ a: true, b: true, c: false });
    expect(outcomes).toEqual({ a: 'succeeded', b: 'succeeded', c: 'succeeded' });
    const { EventType } = proto.temporal.api.enums.v1;
    const events = (await stub.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    // Only c went through a task queue; a and b are markers in the workflow's own history.
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toHaveLength(1);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length).toBeGreaterThanOrEqual(2);
  });

  it('skips everything downstream of a failed step, runs what does not depend on it, and fails the run with the step’s own error', async () => {
    Object.assign(stubs, {
      work: async () => report(),
      broken: async () => {
        throw new Error('bronze.x has no rows for 2026-03-01');
      },
    });
    const { summary, error, outcomes, ended } = await run([
      step('a', 'work'),
      step('b', 'broken', ['a'], { retry: { maximumAttempts: 1 } }),
      step('c', 'work', ['b']),
      step('d', 'work', ['a']),
    ]);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(summary?.status).toBe('failed');
    expect(Object.fromEntries(summary!.steps.map((s) => [s.stepId, [s.status, s.error]]))).toEqual({
      a: ['succeeded', undefined],
      b: ['failed', 'bronze.x has no rows for 2026-03-01'],
      c: ['skipped', 'upstream b did not succeed'],
      d: ['succeeded', undefined],
    });
    expect(outcomes).toEqual({ a: 'succeeded', b: 'failed', c: 'skipped', d: 'succeeded' });
    expect(ended?.status).toBe('failed');
  });

  it('on cancel, cancels the running step and starts nothing downstream', async () => {
    let longStarted!: () => void;
    const started = new Promise<void>((resolve) => (longStarted = resolve));
    Object.assign(stubs, {
      work: async () => report(),
      long: async () => {
        longStarted();
        return untilCancelled();
      },
    });
    const { error, events, outcomes, ended } = await run(
      [step('a', 'work'), step('b', 'long', ['a'], { heartbeatTimeout: '1 second' }), step('c', 'work', ['b'])],
      async (workflowId) => {
        await started;
        await stub.env.client.workflow.getHandle(workflowId).cancel();
      },
    );
    // Temporal keeps no details on a cancelled workflow: the summary is the one the run recorded.
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(ended?.status).toBe('cancelled');
    expect(ended?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'cancelled'],
      ['c', 'cancelled'],
    ]);
    expect(events).not.toContain('start c');
    expect(outcomes).toEqual({ a: 'succeeded', b: 'cancelled', c: 'not-started' });
  });
});
