// Reconcilers on Temporal: one long-lived workflow per pipeline that has triggers or a late-data
// policy (`reconcile/<pipeline>`), started once per deployment (`refinery reconcile start`, and by
// `refinery dev`); asking one to run stale partitions now (an update, starting a one-off
// reconciler when the pipeline has none); its state; and stopping it.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../../lib/config.ts';
import type { Definitions } from '../definitions.ts';
import type { Duration, PipelineDefinition } from '../pipeline/types.ts';
import type { PolicyOverrides } from '../staleness/plan.ts';
import { reconcile, reconcileNowUpdate, reconcilerStateQuery } from '../workflows/index.ts';
import type { ReconcileRequest, ReconcileResult, ReconcilerState } from '../workflows/reconcile.ts';
import { pipelineKey } from './identity.ts';

export function reconcilerId(pipeline: string): string {
  return `reconcile/${pipeline}`;
}

/** Pipelines that need a reconciler: those with data-aware triggers or a late-data policy. */
export function reconciledPipelines(definitions: Pick<Definitions, 'pipelines'>): PipelineDefinition[] {
  return [...definitions.pipelines.values()].filter((p) => p.triggers || p.lateData);
}

export interface ReconcilerOptions {
  tick?: Duration;
  overrides?: PolicyOverrides;
  /** Replace a running reconciler (to apply new settings); otherwise a running one is kept as it is. */
  restart?: boolean;
  taskQueues?: Config['taskQueues'];
}

/** Starts the reconciler of each pipeline (or keeps the one running); returns which were started. */
export async function startReconcilers(client: Client, config: Config, pipelines: PipelineDefinition[], options: ReconcilerOptions = {}) {
  const queues = options.taskQueues ?? config.taskQueues;
  const out: { pipeline: string; workflowId: string; started: boolean }[] = [];
  for (const p of pipelines) {
    const handle = await client.workflow.start(reconcile, {
      taskQueue: queues.io,
      workflowId: reconcilerId(p.name),
      workflowIdConflictPolicy: options.restart ? 'TERMINATE_EXISTING' : 'USE_EXISTING',
      args: [{ pipeline: p.name, computeQueue: queues.compute, tick: options.tick, overrides: options.overrides }],
      typedSearchAttributes: [{ key: pipelineKey, value: p.name }],
    });
    out.push({ pipeline: p.name, workflowId: handle.workflowId, started: handle.firstExecutionRunId !== undefined });
  }
  return out;
}

/**
 * Runs the pipeline's due partitions now (all, or the given ones), through its reconciler so it
 * stays the only decider; a pipeline without a running reconciler gets a one-off one.
 */
export async function reconcileNow(
  client: Client,
  config: Config,
  pipeline: string,
  request: ReconcileRequest,
  taskQueues?: Config['taskQueues'],
): Promise<ReconcileResult> {
  const queues = taskQueues ?? config.taskQueues;
  return client.workflow.executeUpdateWithStart(reconcileNowUpdate, {
    args: [request],
    startWorkflowOperation: new WithStartWorkflowOperation(reconcile, {
      taskQueue: queues.io,
      workflowId: reconcilerId(pipeline),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ pipeline, computeQueue: queues.compute, once: true }],
      typedSearchAttributes: [{ key: pipelineKey, value: pipeline }],
    }),
  });
}

/** Whether the pipeline's reconciler is running (one call to Temporal, no worker needed). */
export async function reconcilerRunning(client: Client, pipeline: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(reconcilerId(pipeline)).describe()).status.name === 'RUNNING';
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

/** The reconciler's state, or undefined when none is running. */
export async function reconcilerState(client: Client, pipeline: string): Promise<ReconcilerState | undefined> {
  const handle = client.workflow.getHandle(reconcilerId(pipeline));
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return undefined;
    try {
      return await client.withDeadline(Date.now() + 5000, () => handle.query(reconcilerStateQuery));
    } catch (e) {
      throw new Error(`${reconcilerId(pipeline)} is running but did not answer (is an io worker running?): ${(e as Error).message.split('\n')[0]}`, {
        cause: e,
      });
    }
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
}

/** Stops a pipeline's reconciler (runs it started go on); false when none was running. */
export async function stopReconciler(client: Client, pipeline: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(reconcilerId(pipeline)).terminate('stopped with refinery reconcile stop');
    return true;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}
