// Helpers for tests that run pipelines: start a run on the test file's queues and get its summary,
// whether it succeeded or failed.
import type { PipelineDefinition, RunSummary, StepDefinition } from '../../engine/pipeline/types.ts';
import { validatePipeline } from '../../engine/pipeline/validate.ts';
import { definitions } from '../../domains/index.ts';
import { outcomeOf, startPipelineRun } from '../../engine/temporal/runs.ts';
import type { TestStack } from './stack.ts';

export function testPipeline(
  name: string,
  steps: StepDefinition[],
  partitioning: PipelineDefinition['partitioning'] = { kind: 'daily', timezone: 'UTC' },
): PipelineDefinition {
  return validatePipeline({ name, partitioning, steps }, Object.keys(definitions.steps));
}

/** The summary a run returned, or the one its failure carries. */
export async function summaryOf(result: Promise<RunSummary>): Promise<RunSummary> {
  return (await outcomeOf(result)).summary;
}

export async function runPipeline(stack: TestStack, pipeline: PipelineDefinition, partition: string, params?: Record<string, unknown>): Promise<RunSummary> {
  const { handle } = await startPipelineRun(stack.client, stack.config, pipeline, partition, { params });
  return summaryOf(handle.result());
}
