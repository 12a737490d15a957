// How a Refinery workflow is found: its workflow id and its search attributes, built here and
// nowhere else. Workflows (schedules, backfills) use it for their children, the client for the runs
// it starts; Temporal's UI and CLI filter by the attributes
// (`temporal workflow list --query "RefineryPipeline='sensor'"`).
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const pipelineKey = defineSearchAttributeKey('RefineryPipeline', SearchAttributeType.KEYWORD);
export const partitionKey = defineSearchAttributeKey('RefineryPartition', SearchAttributeType.KEYWORD);
export const triggerKey = defineSearchAttributeKey('RefineryTrigger', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [pipelineKey, partitionKey, triggerKey];

export type Trigger = 'manual' | 'schedule' | 'backfill';

/** The search attributes of a Refinery workflow: its pipeline and trigger, and the partition of a run. */
export function searchAttributes(pipeline: string, trigger: Trigger, partition?: string): SearchAttributePair[] {
  return [
    { key: pipelineKey, value: pipeline },
    ...(partition === undefined ? [] : [{ key: partitionKey, value: partition }]),
    { key: triggerKey, value: trigger },
  ];
}

/** A partition run's workflow id: derived from pipeline and partition, so two runs of one partition never overlap. */
export function runWorkflowId(pipeline: string, partition: string): string {
  return `${pipeline}/${partition}`;
}

/** The workflow id and search attributes of a run of one partition, to spread into its start options. */
export function runIdentity(pipeline: string, partition: string, trigger: Trigger) {
  return { workflowId: runWorkflowId(pipeline, partition), typedSearchAttributes: searchAttributes(pipeline, trigger, partition) };
}
