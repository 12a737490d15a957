// The workflow a Temporal Schedule starts: works out which partition the schedule's tick covers
// (the interval that just closed, from the scheduled start time) and runs it as a child with the
// partition's own workflow id, so a scheduled and a manual run of one partition never overlap.
import { executeChild, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ScheduleActivities } from '../activities/index.ts';
import { partitionForScheduledStart } from '../pipeline/partitions.ts';
import { runIdentity } from '../temporal/identity.ts';
import { pipelineRun, RUN_PRIORITY } from './pipeline-run.ts';

export interface ScheduledRunInput {
  pipeline: string;
  computeQueue: string;
  params?: Record<string, unknown>;
}

export interface ScheduledRunResult {
  partition: string;
  scheduledStart: string;
  status: 'succeeded' | 'already-running';
}

/** Set by Temporal on every workflow a schedule starts. */
const scheduledStartKey = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { loadPipeline } = proxyLocalActivities<ScheduleActivities>({ startToCloseTimeout: '10 seconds' });

export async function scheduledRun(input: ScheduledRunInput): Promise<ScheduledRunResult> {
  const info = workflowInfo();
  const scheduledStart = info.typedSearchAttributes.get(scheduledStartKey) ?? info.startTime;
  const pipeline = await loadPipeline(input.pipeline);
  const partition = partitionForScheduledStart(pipeline.partitioning, scheduledStart, pipeline.name);
  try {
    await executeChild(pipelineRun, {
      ...runIdentity(pipeline.name, partition, 'schedule'),
      args: [
        { pipeline, partition, params: input.params, trigger: 'schedule', scheduledStart: scheduledStart.toISOString(), computeQueue: input.computeQueue },
      ],
      // Ahead of backfill children when the workers are saturated.
      priority: { priorityKey: RUN_PRIORITY },
    });
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      return { partition, scheduledStart: scheduledStart.toISOString(), status: 'already-running' };
    }
    throw e;
  }
  return { partition, scheduledStart: scheduledStart.toISOString(), status: 'succeeded' };
}
