// The pipeline-run workflow: interprets any pipeline definition for one partition. Every step whose
// dependencies succeeded starts at once (independent steps run in parallel), retries per its own
// policy, and a failure skips everything downstream. The run and every step are recorded in ops.
// A partial re-run (`selection`) reuses the steps it does not run from earlier runs; a step naming a
// pool waits here, in the workflow, for a slot. A failed run ends as a failed workflow whose
// failure carries the run summary. Notifications are raised by the run-end recording and
// delivered by their own workflow: nothing here waits for a webhook.
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  defineQuery,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { PoolActivities, ReconcileActivities, RunHistoryActivities, StepReport } from '../activities/index.ts';
import { durationMs } from '../pipeline/durations.ts';
import type { Selection } from '../pipeline/rerun.ts';
import type { PipelineDefinition, RunSummary, RunTrigger, StepDefinition, StepInput, StepOutcome } from '../pipeline/types.ts';
import { failureMessage } from './failure.ts';
import { poolWorkflowId, releaseSignal, slotGrantedSignal } from './pool.ts';

export interface PipelineRunInput {
  pipeline: PipelineDefinition;
  partition: string;
  params?: Record<string, unknown>;
  trigger?: RunTrigger;
  /** Why a late-data or triggered run started. */
  reason?: string;
  backfillId?: string;
  scheduledStart?: string;
  /** Task queue of compute steps; io steps run on this workflow's own queue. */
  computeQueue: string;
  /** Run only some steps, reusing the others from earlier runs of the partition. */
  selection?: Selection;
}

export interface RunState {
  pipeline: string;
  partition: string;
  runId?: number;
  steps: Record<string, StepOutcome['status'] | 'pending' | 'running' | 'waiting'>;
}

export const runStateQuery = defineQuery<RunState>('runState');

/** Patch id: from here on a success the step runner recorded is not recorded again by the workflow. */
const RUNNER_RECORDS_SUCCESS = 'runner-records-success';

/** Priority of manual and scheduled runs: ahead of backfill children (4) when the workers are saturated. */
export const RUN_PRIORITY = 2;

const history = proxyLocalActivities<RunHistoryActivities & PoolActivities>({
  startToCloseTimeout: '30 seconds',
  // Recording retries until PostgreSQL is back; it never decides a step's fate.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Records the partition's inputs as the run starts (a landing folder is scanned afresh, so longer).
const inputs = proxyLocalActivities<ReconcileActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function activityOptions(step: StepDefinition, taskQueue: string): ActivityOptions {
  return {
    taskQueue,
    ...attemptOptions(step),
    // The step runner heartbeats for every step, so a lost worker is noticed within this timeout.
    heartbeatTimeout: step.heartbeatTimeout ?? (step.queue === 'compute' ? '2 minutes' : '30 seconds'),
  };
}

/** An attempt's timeout and retries, the same whether the step runs through a task queue or inline. */
function attemptOptions(step: StepDefinition): LocalActivityOptions {
  const initialInterval = step.retry?.initialInterval ?? '1 second';
  return {
    startToCloseTimeout: step.startToCloseTimeout ?? '10 minutes',
    retry: {
      // Five attempts over ~15 s ride out a database restart; steps that know better set their own.
      maximumAttempts: step.retry?.maximumAttempts ?? 5,
      initialInterval,
      backoffCoefficient: step.retry?.backoffCoefficient ?? 2,
      // A minute between attempts at most, unless the first wait is already longer (Temporal
      // refuses a maximum below the initial interval).
      maximumInterval: step.retry?.maximumInterval ?? Math.max(60_000, durationMs(initialInterval)),
      nonRetryableErrorTypes: step.retry?.nonRetryableErrorTypes,
    },
  };
}

export async function pipelineRun(input: PipelineRunInput): Promise<RunSummary> {
  const { pipeline, partition } = input;
  const info = workflowInfo();
  const startedAt = new Date().toISOString();
  const state: RunState = { pipeline: pipeline.name, partition, steps: Object.fromEntries(pipeline.steps.map((s) => [s.id, 'pending'])) };
  setHandler(runStateQuery, () => state);
  const granted = new Set<string>();
  setHandler(slotGrantedSignal, (leaseId) => void granted.add(leaseId));
  const priority = info.priority?.priorityKey || 3;

  const start = await CancellationScope.nonCancellable(() =>
    history.startRun({
      workflowId: info.workflowId,
      runId: info.runId,
      pipeline: pipeline.name,
      partition,
      trigger: input.trigger ?? 'manual',
      reason: input.reason,
      params: input.params ?? {},
      backfillId: input.backfillId,
      scheduledStart: input.scheduledStart,
      definition: {
        steps: pipeline.steps.map((s) => ({ id: s.id, activity: s.activity, layer: s.layer, queue: s.queue ?? 'io', dependsOn: s.dependsOn ?? [] })),
      },
      selection: input.selection,
      priority,
    }),
  );
  const { runId, plan } = start;
  state.runId = runId;
  // What the steps are about to read: the run's watermark once it succeeds.
  if (pipeline.inputs?.length) await CancellationScope.nonCancellable(() => inputs.captureInputs(runId, { inputs: pipeline.inputs }, partition));

  const byId = new Map(pipeline.steps.map((s) => [s.id, s]));
  const outcomes = new Map<string, Promise<StepOutcome>>();
  const queueOf = (step: StepDefinition) => (step.queue === 'compute' ? input.computeQueue : info.taskQueue);
  const keyOf = (step: StepDefinition) => ({ runId, stepId: step.id, activity: step.activity, taskQueue: queueOf(step), layer: step.layer });
  const record = (step: StepDefinition, outcome: Parameters<RunHistoryActivities['recordStepOutcome']>[1]) =>
    CancellationScope.nonCancellable(() => history.recordStepOutcome(keyOf(step), outcome));

  /** Runs fn holding one of the step's pool slots; the slot is released whatever happens. */
  async function inPool<T>(step: StepDefinition, fn: () => Promise<T>): Promise<T> {
    if (!step.pool) return fn();
    const leaseId = `${info.workflowId}/${info.runId}/${step.id}`;
    const pool = step.pool;
    try {
      await history.requestPoolSlot(pool.name, info.taskQueue, {
        leaseId,
        holder: { workflowId: info.workflowId, runId: info.runId },
        step: step.id,
        slots: pool.slots,
        priority,
      });
      state.steps[step.id] = 'waiting';
      await condition(() => granted.has(leaseId));
      state.steps[step.id] = 'running';
      return await fn();
    } finally {
      await CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(poolWorkflowId(pool.name))
          .signal(releaseSignal, leaseId)
          .catch(() => {}),
      );
    }
  }

  async function execute(step: StepDefinition): Promise<StepOutcome> {
    const stepInput: StepInput = {
      pipeline: pipeline.name,
      partition,
      stepId: step.id,
      layer: step.layer,
      runId,
      params: { ...step.params, ...input.params },
      reads: step.reads ?? [],
      writes: step.writes ?? [],
      checks: step.checks ?? [],
    };
    type Steps = Record<string, (i: StepInput) => Promise<StepReport>>;
    const activities = step.inline ? proxyLocalActivities<Steps>(attemptOptions(step)) : proxyActivities<Steps>(activityOptions(step, queueOf(step)));
    const started = new Date().toISOString();
    state.steps[step.id] = 'running';
    try {
      const report = await inPool(step, () => activities[step.activity]!(stepInput));
      const { attempt, checks, recorded, ...rows } = report;
      // The step runner records a success itself; recording it again would cost a local activity per
      // step. Runs that began on workers which recorded every success here replay as they ran.
      if (!recorded || !patched(RUNNER_RECORDS_SUCCESS)) await record(step, { status: 'succeeded', attempt, rows, checks });
      state.steps[step.id] = 'succeeded';
      const warnings = checks.filter((c) => !c.passed && c.severity === 'warn');
      return {
        stepId: step.id,
        status: 'succeeded',
        attempt,
        ...rows,
        checks: { run: checks.length, failed: checks.filter((c) => !c.passed).length },
        ...(warnings.length ? { warnings } : {}),
        startedAt: started,
        endedAt: new Date().toISOString(),
      };
    } catch (e) {
      const status = isCancellation(e) ? 'cancelled' : 'failed';
      const error = status === 'cancelled' ? 'the run was cancelled' : failureMessage(e);
      await record(step, { status, error });
      state.steps[step.id] = status;
      return { stepId: step.id, status, attempt: 0, error, startedAt: started, endedAt: new Date().toISOString() };
    }
  }

  function outcome(id: string): Promise<StepOutcome> {
    let found = outcomes.get(id);
    if (!found) {
      const step = byId.get(id)!;
      found = (async (): Promise<StepOutcome> => {
        // Reused and not-run steps were recorded by startRun.
        if (plan && id in plan.reuse) {
          state.steps[id] = 'reused';
          return { stepId: id, status: 'reused', attempt: 0, reusedFrom: plan.reuse[id] };
        }
        if (plan?.notRun.includes(id)) {
          state.steps[id] = 'skipped';
          return { stepId: id, status: 'skipped', attempt: 0, error: 'not selected, and no earlier success to reuse' };
        }
        const deps = await Promise.all((step.dependsOn ?? []).map(outcome));
        const blocked = deps.filter((d) => d.status !== 'succeeded' && d.status !== 'reused');
        if (blocked.length || CancellationScope.current().consideredCancelled) {
          const cancelled = CancellationScope.current().consideredCancelled || blocked.some((d) => d.status === 'cancelled');
          const reason = cancelled ? 'the run was cancelled before this step started' : `upstream ${blocked.map((d) => d.stepId).join(', ')} did not succeed`;
          await record(step, { status: cancelled ? 'not-started' : 'skipped', reason });
          state.steps[id] = cancelled ? 'cancelled' : 'skipped';
          return { stepId: id, status: cancelled ? 'cancelled' : 'skipped', attempt: 0, error: reason };
        }
        return execute(step);
      })();
      outcomes.set(id, found);
    }
    return found;
  }

  const steps: StepOutcome[] = start.refused
    ? pipeline.steps.map((s) => ({ stepId: s.id, status: 'skipped', attempt: 0, error: start.refused }))
    : await Promise.all(pipeline.steps.map((s) => outcome(s.id)));
  const status = steps.some((s) => s.status === 'cancelled')
    ? 'cancelled'
    : steps.some((s) => s.status === 'failed' || s.status === 'skipped')
      ? 'failed'
      : 'succeeded';
  const summary: RunSummary = { pipeline: pipeline.name, partition, runId, status, steps, startedAt, endedAt: new Date().toISOString() };
  await CancellationScope.nonCancellable(() =>
    history.endRun(runId, summary, {
      notify: pipeline.notify,
      watched: Boolean(pipeline.deadline || pipeline.freshness),
      daily: pipeline.partitioning.kind === 'daily',
      refused: start.refused,
    }),
  );

  // A CancelledFailure makes Temporal record the workflow as cancelled rather than failed.
  if (status === 'cancelled')
    throw CancellationScope.current().consideredCancelled ? new CancelledFailure(`${pipeline.name} ${partition} was cancelled`, [summary]) : failure(summary);
  if (status === 'failed') throw failure(summary, start.refused);
  return summary;
}

function failure(summary: RunSummary, refused?: string): ApplicationFailure {
  const failed = summary.steps.filter((s) => s.status === 'failed');
  return ApplicationFailure.create({
    type: refused ? 'PartialRunRefused' : 'PipelineRunFailed',
    message: `${summary.pipeline} ${summary.partition} failed: ${refused ?? (failed.map((s) => `${s.stepId}: ${s.error}`).join('; ') || 'cancelled')}`,
    details: [summary],
    nonRetryable: true,
  });
}
