// The backfill workflow: runs a pipeline over a range of partitions as child pipeline runs, keeping
// at most `concurrency` going at once (a sliding window), and continuing as new every few hundred
// children so ranges of thousands of partitions stay within Temporal's history limits. A worker
// restart loses nothing: the window's state is the workflow's own.
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { BackfillActivities } from '../activities/index.ts';
import type { BackfillCounts } from '../activities/backfills.ts';
import { expandPartitions, type PartitionRange } from '../pipeline/partitions.ts';
import type { Selection } from '../pipeline/rerun.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { runIdentity } from '../temporal/identity.ts';
import { failureMessage } from './failure.ts';
import { pipelineRun } from './pipeline-run.ts';

export interface BackfillInput {
  pipeline: PipelineDefinition;
  range: PartitionRange;
  concurrency: number;
  mode: 'all' | 'only-failed';
  params?: Record<string, unknown>;
  computeQueue: string;
  /** Run only some steps of each partition, reusing the others (see engine/pipeline/rerun.ts). */
  selection?: Selection;
  /** Task priority of the children, 1 (first) to 5; default 4, behind manual and scheduled runs (2). */
  priority?: number;
  /**
   * Whether the children share task dispatch fairly with other work (a fairness key per backfill;
   * default true). False puts them in the one default queue: bench/priority.ts measures Temporal
   * without Refinery's priorities that way.
   */
  fair?: boolean;
  /** Children started per workflow run before continuing as new (default 500). */
  childrenPerRun?: number;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: BackfillState;
}

interface BackfillState {
  partitions: string[];
  next: number;
  counts: Omit<BackfillCounts, 'pending' | 'running'>;
  failures: { partition: string; error: string }[];
  runs: number;
}

export interface BackfillProgress extends BackfillCounts {
  backfillId: string;
  pipeline: string;
  total: number;
  runningPartitions: string[];
  failures: { partition: string; error: string }[];
  /** How many times the workflow has continued as new so far. */
  continuedAsNew: number;
}

export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');

const activities = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const MAX_FAILURES_KEPT = 100;
export const BACKFILL_PRIORITY = 4;

export async function backfill(input: BackfillInput): Promise<BackfillProgress> {
  const info = workflowInfo();
  const name = input.pipeline.name;
  let state = input.carried;
  if (!state) {
    let partitions = expandPartitions(input.pipeline.partitioning, input.range, name);
    if (input.mode === 'only-failed') partitions = await activities.selectPartitionsToRedo(name, partitions);
    state = { partitions, next: 0, counts: { succeeded: 0, failed: 0, skipped: 0, cancelled: 0 }, failures: [], runs: 0 };
  }
  const st = state;
  await activities.recordBackfillStart({
    id: info.workflowId,
    workflowRunId: info.runId,
    pipeline: name,
    range: input.range,
    partitions: st.partitions.length,
    concurrency: input.concurrency,
    mode: input.mode,
  });

  const running = new Set<string>();
  const progress = (): BackfillProgress => ({
    backfillId: info.workflowId,
    pipeline: name,
    total: st.partitions.length,
    pending: st.partitions.length - st.next,
    running: running.size,
    ...st.counts,
    runningPartitions: [...running],
    failures: st.failures,
    continuedAsNew: st.runs,
  });
  setHandler(backfillProgressQuery, progress);

  const settle = (partition: string, status: keyof BackfillState['counts'], error?: string) => {
    st.counts[status]++;
    if (error && st.failures.length < MAX_FAILURES_KEPT) st.failures.push({ partition, error });
    running.delete(partition);
  };

  const launch = (partition: string) => {
    running.add(partition);
    executeChild(pipelineRun, {
      ...runIdentity(name, partition, 'backfill'),
      args: [
        {
          pipeline: input.pipeline,
          partition,
          params: input.params,
          trigger: 'backfill',
          backfillId: info.workflowId,
          computeQueue: input.computeQueue,
          selection: input.selection,
        },
      ],
      // Behind manual and scheduled runs; backfills share what is left fairly between them.
      priority: { priorityKey: input.priority ?? BACKFILL_PRIORITY, ...(input.fair === false ? {} : { fairnessKey: info.workflowId.slice(-64) }) },
    }).then(
      () => settle(partition, 'succeeded'),
      (e) => {
        if (e instanceof WorkflowExecutionAlreadyStartedError) settle(partition, 'skipped', 'another run of this partition was already going');
        else if (isCancellation(e)) settle(partition, 'cancelled');
        else settle(partition, 'failed', failureMessage(e));
      },
    );
  };

  const perRun = input.childrenPerRun ?? 500;
  let startedHere = 0;
  try {
    while (st.next < st.partitions.length && startedHere < perRun && !workflowInfo().continueAsNewSuggested) {
      await condition(() => running.size < input.concurrency);
      launch(st.partitions[st.next++]!);
      startedHere++;
    }
    // Drain the window before continuing as new: children belong to the run that started them.
    await condition(() => running.size === 0);
  } catch (e) {
    if (!isCancellation(e)) throw e;
    // Cancelled: running children are being cancelled with us; wait for them, start nothing new.
    await CancellationScope.nonCancellable(async () => {
      await condition(() => running.size === 0);
      await activities.recordBackfillEnd(info.workflowId, 'cancelled', { ...progress(), pending: st.partitions.length - st.next, running: 0 });
    });
    throw new CancelledFailure(`backfill ${info.workflowId} was cancelled`, [progress()]);
  }

  if (st.next < st.partitions.length) {
    st.runs++;
    await continueAsNew<typeof backfill>({ ...input, carried: st });
  }
  const result = progress();
  const status = st.counts.failed > 0 ? 'failed' : 'succeeded';
  await activities.recordBackfillEnd(info.workflowId, status, result, { notify: input.pipeline.notify });
  if (status === 'failed') {
    throw ApplicationFailure.create({
      type: 'BackfillFailed',
      message: `${st.counts.failed} of ${result.total} partitions failed (first: ${st.failures[0]?.partition}: ${st.failures[0]?.error})`,
      details: [result],
      nonRetryable: true,
    });
  }
  return result;
}
