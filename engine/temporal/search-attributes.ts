// Search attributes on every Refinery workflow, so Temporal's UI and CLI can filter by them
// (e.g. `temporal workflow list --query "RefineryPipeline='sensor'"`).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const pipelineKey = defineSearchAttributeKey('RefineryPipeline', SearchAttributeType.KEYWORD);
export const partitionKey = defineSearchAttributeKey('RefineryPartition', SearchAttributeType.KEYWORD);
export const triggerKey = defineSearchAttributeKey('RefineryTrigger', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [pipelineKey, partitionKey, triggerKey];
