// Local activity of the scheduled-run workflow: the current definition of a pipeline, so schedules
// always run the pipeline as deployed now, not as it was when the schedule was created.
import type { ActivityDeps } from './deps.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';

export function createScheduleActivities(deps: Pick<ActivityDeps, 'definitions'>) {
  return {
    async loadPipeline(name: string): Promise<PipelineDefinition> {
      return deps.definitions.getPipeline(name);
    },
  };
}
