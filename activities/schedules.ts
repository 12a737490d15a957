// Local activity of the scheduled-run workflow: the current definition of a pipeline, so schedules
// always run the pipeline as deployed now, not as it was when the schedule was created.
import { getPipeline } from '../pipelines/index.ts';
import type { PipelineDefinition } from '../pipelines/types.ts';

export function createScheduleActivities() {
  return {
    async loadPipeline(name: string): Promise<PipelineDefinition> {
      return getPipeline(name);
    },
  };
}
