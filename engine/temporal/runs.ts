// Starting pipeline runs and backfills: the one place that turns a pipeline name and partition
// into a Temporal workflow with a readable id and searchable attributes.
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Config } from '../../lib/config.ts';
import { checkPartition, expandPartitions, type PartitionRange } from '../pipeline/partitions.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import type { Selection } from '../pipeline/rerun.ts';
import { backfill, pipelineRun } from '../workflows/index.ts';
import { BACKFILL_PRIORITY } from '../workflows/backfill.ts';
import { RUN_PRIORITY } from '../workflows/pipeline-run.ts';
import { runIdentity, searchAttributes } from './identity.ts';

export { runWorkflowId } from './identity.ts';

export interface StartedRun {
  handle: WorkflowHandle<typeof pipelineRun>;
  /** False when the partition was already running and we attached to that run instead. */
  started: boolean;
  /** The Temporal run id, when this call started the run. */
  runId?: string;
}

/**
 * Starts a run of one partition, or attaches to the run already going for it: a partition's
 * workflow id is derived from pipeline and partition, so two runs of it can never overlap.
 */
export async function startPipelineRun(
  client: Client,
  config: Config,
  pipeline: PipelineDefinition,
  partition: string,
  options: { params?: Record<string, unknown>; taskQueues?: Config['taskQueues']; selection?: Selection; priority?: number } = {},
): Promise<StartedRun> {
  checkPartition(pipeline.partitioning, partition, pipeline.name);
  checkPriority(options.priority);
  const queues = options.taskQueues ?? config.taskQueues;
  const identity = runIdentity(pipeline.name, partition, 'manual');
  try {
    const handle = await client.workflow.start(pipelineRun, {
      ...identity,
      taskQueue: queues.io,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ pipeline, partition, params: options.params, trigger: 'manual', computeQueue: queues.compute, selection: options.selection }],
      priority: { priorityKey: options.priority ?? RUN_PRIORITY },
    });
    return { handle, started: true, runId: handle.firstExecutionRunId };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      return { handle: client.workflow.getHandle<typeof pipelineRun>(identity.workflowId), started: false };
    }
    throw e;
  }
}

/** Task priorities are 1 (first) to 5 (Temporal's default range). */
export function checkPriority(priority: number | undefined): void {
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > 5)) {
    throw new RangeError(`--priority: must be a whole number from 1 (first) to 5 (got ${priority})`);
  }
}

export interface BackfillRequest {
  range: PartitionRange;
  concurrency: number;
  onlyFailed?: boolean;
  selection?: Selection;
  /** Task priority of the backfill's runs (default 4, behind manual and scheduled runs). */
  priority?: number;
  /** False: no fairness key of its own (see BackfillInput.fair). */
  fair?: boolean;
  params?: Record<string, unknown>;
  childrenPerRun?: number;
  taskQueues?: Config['taskQueues'];
}

function rangeLabel(range: PartitionRange): string {
  return 'keys' in range ? `${range.keys.length}-keys` : `${range.from}..${range.to}`;
}

export async function startBackfill(client: Client, config: Config, pipeline: PipelineDefinition, request: BackfillRequest) {
  expandPartitions(pipeline.partitioning, request.range, pipeline.name); // fail here, not in the workflow
  if (!Number.isInteger(request.concurrency) || request.concurrency < 1 || request.concurrency > 100) {
    throw new RangeError(`--concurrency: must be a whole number from 1 to 100 (got ${request.concurrency})`);
  }
  checkPriority(request.priority);
  const queues = request.taskQueues ?? config.taskQueues;
  const id = `backfill/${pipeline.name}/${rangeLabel(request.range)}/${randomBytes(3).toString('hex')}`;
  return client.workflow.start(backfill, {
    taskQueue: queues.io,
    workflowId: id,
    args: [
      {
        pipeline,
        range: request.range,
        concurrency: request.concurrency,
        mode: request.onlyFailed ? 'only-failed' : 'all',
        params: request.params,
        childrenPerRun: request.childrenPerRun,
        computeQueue: queues.compute,
        selection: request.selection,
        priority: request.priority,
        fair: request.fair,
      },
    ],
    priority: { priorityKey: request.priority ?? BACKFILL_PRIORITY },
    typedSearchAttributes: searchAttributes(pipeline.name, 'backfill'),
  });
}

/**
 * The summary a Refinery workflow's failure carries: a failed or cancelled run ends as a failure
 * whose details hold its RunSummary, a failed or cancelled backfill its progress.
 */
export function failureSummary<T>(e: unknown): T | undefined {
  const details = e instanceof WorkflowFailedError ? (e.cause as { details?: unknown[] } | undefined)?.details : undefined;
  return details?.[0] as T | undefined;
}

/** What a workflow returned, or the summary its failure carries (rethrowing a failure that carries none). */
export async function outcomeOf<T>(result: Promise<T>): Promise<{ summary: T; failed: boolean }> {
  try {
    return { summary: await result, failed: false };
  } catch (e) {
    const summary = failureSummary<T>(e);
    if (summary === undefined) throw e;
    return { summary, failed: true };
  }
}
