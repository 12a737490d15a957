// The pipeline-run workflow: interprets any pipeline definition for one partition. Every step whose
// dependencies succeeded starts at once (independent steps run in parallel), retries per its own
// policy, and a failure skips everything downstream. The run and every step are recorded in ops.
// A failed run ends as a failed workflow whose failure carries the run summary.
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  defineQuery,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { RunHistoryActivities, StepReport } from '../activities/index.ts';
import type { PipelineDefinition, RunSummary, StepDefinition, StepInput, StepOutcome } from '../pipeline/types.ts';
import { failureMessage } from './failure.ts';

export interface PipelineRunInput {
  pipeline: PipelineDefinition;
  partition: string;
  params?: Record<string, unknown>;
  trigger?: 'manual' | 'schedule' | 'backfill';
  backfillId?: string;
  scheduledStart?: string;
  /** Task queue of compute steps; io steps run on this workflow's own queue. */
  computeQueue: string;
}

export interface RunState {
  pipeline: string;
  partition: string;
  runId?: number;
  steps: Record<string, StepOutcome['status'] | 'pending' | 'running'>;
}

export const runStateQuery = defineQuery<RunState>('runState');

const history = proxyLocalActivities<RunHistoryActivities>({
  startToCloseTimeout: '30 seconds',
  // Recording retries until PostgreSQL is back; it never decides a step's fate.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function activityOptions(step: StepDefinition, taskQueue: string): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: step.startToCloseTimeout ?? '10 minutes',
    // The step runner heartbeats for every step, so a lost worker is noticed within this timeout.
    heartbeatTimeout: step.heartbeatTimeout ?? (step.queue === 'compute' ? '2 minutes' : '30 seconds'),
    retry: {
      // Five attempts over ~15 s ride out a database restart; steps that know better set their own.
      maximumAttempts: step.retry?.maximumAttempts ?? 5,
      initialInterval: step.retry?.initialInterval ?? '1 second',
      backoffCoefficient: step.retry?.backoffCoefficient ?? 2,
      maximumInterval: step.retry?.maximumInterval ?? '1 minute',
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

  const runId = await CancellationScope.nonCancellable(() =>
    history.recordRunStart({
      workflowId: info.workflowId,
      runId: info.runId,
      pipeline: pipeline.name,
      partition,
      trigger: input.trigger ?? 'manual',
      params: input.params ?? {},
      backfillId: input.backfillId,
      scheduledStart: input.scheduledStart,
      definition: {
        steps: pipeline.steps.map((s) => ({ id: s.id, activity: s.activity, layer: s.layer, queue: s.queue ?? 'io', dependsOn: s.dependsOn ?? [] })),
      },
    }),
  );
  state.runId = runId;

  const byId = new Map(pipeline.steps.map((s) => [s.id, s]));
  const outcomes = new Map<string, Promise<StepOutcome>>();
  const queueOf = (step: StepDefinition) => (step.queue === 'compute' ? input.computeQueue : info.taskQueue);
  const keyOf = (step: StepDefinition) => ({ runId, stepId: step.id, activity: step.activity, taskQueue: queueOf(step), layer: step.layer });
  const record = (step: StepDefinition, outcome: Parameters<RunHistoryActivities['recordStepOutcome']>[1]) =>
    CancellationScope.nonCancellable(() => history.recordStepOutcome(keyOf(step), outcome));

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
    const activities = proxyActivities<Record<string, (i: StepInput) => Promise<StepReport>>>(activityOptions(step, queueOf(step)));
    const started = new Date().toISOString();
    state.steps[step.id] = 'running';
    try {
      const report = await activities[step.activity]!(stepInput);
      const { attempt, checks: _checks, ...rows } = report;
      await record(step, { status: 'succeeded', attempt, rows });
      state.steps[step.id] = 'succeeded';
      return { stepId: step.id, status: 'succeeded', attempt, ...rows, startedAt: started, endedAt: new Date().toISOString() };
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
      found = (async () => {
        const deps = await Promise.all((step.dependsOn ?? []).map(outcome));
        const blocked = deps.filter((d) => d.status !== 'succeeded');
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

  const steps = await Promise.all(pipeline.steps.map((s) => outcome(s.id)));
  const status = steps.some((s) => s.status === 'cancelled')
    ? 'cancelled'
    : steps.some((s) => s.status === 'failed' || s.status === 'skipped')
      ? 'failed'
      : 'succeeded';
  const summary: RunSummary = { pipeline: pipeline.name, partition, runId, status, steps, startedAt, endedAt: new Date().toISOString() };
  await CancellationScope.nonCancellable(() => history.recordRunEnd(runId, summary));

  // A CancelledFailure makes Temporal record the workflow as cancelled rather than failed.
  if (status === 'cancelled')
    throw CancellationScope.current().consideredCancelled ? new CancelledFailure(`${pipeline.name} ${partition} was cancelled`, [summary]) : failure(summary);
  if (status === 'failed') throw failure(summary);
  return summary;
}

function failure(summary: RunSummary): ApplicationFailure {
  const failed = summary.steps.filter((s) => s.status === 'failed');
  return ApplicationFailure.create({
    type: 'PipelineRunFailed',
    message: `${summary.pipeline} ${summary.partition} failed: ${failed.map((s) => `${s.stepId}: ${s.error}`).join('; ') || 'cancelled'}`,
    details: [summary],
    nonRetryable: true,
  });
}
