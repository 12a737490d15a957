// The reconciler of one pipeline (workflow id `reconcile/<pipeline>`): a durable loop that, every
// tick, gathers the facts (landing folders scanned, due partitions detected) in an activity and
// decides (engine/staleness/plan.ts) which partitions to run: triggered ones once their inputs
// settled, stale ones as late-data re-runs once quiet. Each run is a child with the partition's own
// workflow id, abandoned on close, so a partition never runs twice at once and a reconciler restart
// loses none. It is the pipeline's only decider: `refinery stale run` asks it through an update.
// The launches it made are remembered (carried across continue-as-new) so inputs one re-run was
// started for never start another.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ReconcileActivities, ScheduleActivities } from '../activities/index.ts';
import { durationMs } from '../pipeline/durations.ts';
import type { Duration, PipelineDefinition } from '../pipeline/types.ts';
import { planReconciliation, type Decision, type LaunchMemory, type PolicyOverrides } from '../staleness/plan.ts';
import { runIdentity } from '../temporal/identity.ts';
import { pipelineRun } from './pipeline-run.ts';

export interface ReconcilerInput {
  pipeline: string;
  computeQueue: string;
  /** How often it looks (default 15 seconds). */
  tick?: Duration;
  overrides?: PolicyOverrides;
  /** Answer the requests it was started with, then stop (for a pipeline with no reconciler of its own). */
  once?: boolean;
  /** Carried across continue-as-new. */
  carried?: { memory: LaunchMemory; ticks: number };
}

export interface ReconcileRequest {
  /** Only these partitions (all due ones when absent). */
  partitions?: string[];
}

export interface ReconcileDecision extends Decision {
  /** The run's workflow id, when one was started. */
  workflowId?: string;
}

export interface ReconcileResult {
  pipeline: string;
  checkedAt: string;
  decisions: ReconcileDecision[];
}

export interface ReconcilerState {
  pipeline: string;
  ticks: number;
  tickMs: number;
  lastTick: ReconcileResult | null;
  /** Runs started since this reconciler began (this continue-as-new run). */
  started: number;
}

/** Runs the due partitions now (ignoring quiet periods and settling); answers what it did. */
export const reconcileNowUpdate = defineUpdate<ReconcileResult, [ReconcileRequest]>('reconcileNow');
/** Look now rather than at the next tick. */
export const pokeSignal = defineSignal('poke');
export const reconcilerStateQuery = defineQuery<ReconcilerState>('state');

const facts = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { loadPipeline } = proxyLocalActivities<ScheduleActivities>({ startToCloseTimeout: '10 seconds' });

const TICKS_PER_RUN = 500;

export async function reconcile(input: ReconcilerInput): Promise<ReconcilerState> {
  const tickMs = durationMs(input.tick ?? '15 seconds');
  const memory: LaunchMemory = { ...input.carried?.memory };
  const state: ReconcilerState = { pipeline: input.pipeline, ticks: input.carried?.ticks ?? 0, tickMs, lastTick: null, started: 0 };
  const jobs: { request: ReconcileRequest; result?: ReconcileResult }[] = [];
  let poked = false;
  let stopping = false;
  setHandler(reconcilerStateQuery, () => state);
  setHandler(pokeSignal, () => void (poked = true));
  setHandler(
    reconcileNowUpdate,
    async (request) => {
      const job: (typeof jobs)[number] = { request };
      jobs.push(job);
      await condition(() => job.result !== undefined);
      return job.result!;
    },
    {
      validator: (_request: ReconcileRequest) => {
        if (stopping) throw new Error(`the reconciler of ${input.pipeline} is stopping; ask again`);
      },
    },
  );

  async function tick(request: ReconcileRequest | undefined): Promise<ReconcileResult> {
    const found = await facts.reconcileFacts({ pipeline: input.pipeline, overrides: input.overrides, partitions: request?.partitions });
    const decisions: ReconcileDecision[] = planReconciliation(input.pipeline, found.due, found.policy, {
      memory,
      nowMs: Date.now(),
      runningLateData: found.runningLateData,
      request: request && { force: true, partitions: request.partitions },
    });
    let definition: PipelineDefinition | undefined;
    for (const d of decisions) {
      if (d.action !== 'launch') continue;
      definition ??= await loadPipeline(input.pipeline);
      const identity = runIdentity(input.pipeline, d.partition, d.trigger!);
      try {
        await startChild(pipelineRun, {
          ...identity,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [{ pipeline: definition, partition: d.partition, trigger: d.trigger, reason: d.reason, computeQueue: input.computeQueue }],
          priority: d.priority === undefined ? undefined : { priorityKey: d.priority },
        });
        memory[d.partition] = { version: d.version, atMs: Date.now(), trigger: d.trigger! };
        d.workflowId = identity.workflowId;
        state.started++;
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
        Object.assign(d, { action: 'wait', next: 'a run of this partition is already going' });
      }
    }
    // Forget partitions no longer due (their run caught up with their inputs); keep the rest.
    if (!request?.partitions) {
      const due = new Set(found.due.map((d) => d.partition));
      for (const p of Object.keys(memory)) if (!due.has(p)) delete memory[p];
    }
    state.ticks++;
    return { pipeline: input.pipeline, checkedAt: found.checkedAt, decisions };
  }

  for (;;) {
    const job = jobs.shift();
    const result = await tick(job?.request);
    state.lastTick = result;
    if (job) job.result = result;
    if (input.once && !jobs.length) {
      stopping = true;
      break;
    }
    if (!jobs.length) await condition(() => poked || jobs.length > 0, tickMs);
    poked = false;
    if (!jobs.length && (state.ticks % TICKS_PER_RUN === 0 || workflowInfo().continueAsNewSuggested)) {
      stopping = true;
      await condition(allHandlersFinished);
      await continueAsNew<typeof reconcile>({ ...input, carried: { memory, ticks: state.ticks } });
    }
  }
  await condition(allHandlersFinished);
  return state;
}
