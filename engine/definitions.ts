// A deployment's definitions (as Dagster's `Definitions`): the pipelines it runs and the step
// activities they may name. Built once at start; an invalid pipeline or a step naming an activity
// that no domain registered stops the CLI, the API and the workers before anything runs.
import { controlSteps } from './activities/control-steps.ts';
import type { StepFactory } from './activities/step-runner.ts';
import type { PipelineDefinition } from './pipeline/types.ts';
import { PipelineDefinitionError, poolsOf, validatePipeline } from './pipeline/validate.ts';

export interface Definitions {
  pipelines: ReadonlyMap<string, PipelineDefinition>;
  /** Step activity factories by activity type name (the domains' steps plus the engine's control steps). */
  steps: Readonly<Record<string, StepFactory>>;
  getPipeline(name: string): PipelineDefinition;
}

export class UnknownPipelineError extends Error {
  override name = 'UnknownPipelineError';
}

export function createDefinitions(input: { pipelines: PipelineDefinition[]; steps: Record<string, StepFactory> }): Definitions {
  const steps: Record<string, StepFactory> = { ...controlSteps };
  const problems: string[] = [];
  for (const [name, factory] of Object.entries(input.steps)) {
    if (name in steps) problems.push(`step activity "${name}" is registered twice`);
    steps[name] = factory;
  }
  const names = Object.keys(steps);
  const pipelines = new Map<string, PipelineDefinition>();
  for (const p of input.pipelines) {
    if (pipelines.has(p.name)) problems.push(`pipeline "${p.name}" is defined twice`);
    try {
      pipelines.set(p.name, validatePipeline(p, names));
    } catch (e) {
      if (e instanceof PipelineDefinitionError) problems.push(...e.problems);
      else throw e;
    }
  }
  problems.push(...poolsOf([...pipelines.values()]).problems);
  if (problems.length) throw new PipelineDefinitionError(problems);
  return {
    pipelines,
    steps,
    getPipeline(name) {
      const found = pipelines.get(name);
      if (!found) throw new UnknownPipelineError(`unknown pipeline "${name}" (known: ${[...pipelines.keys()].join(', ')})`);
      return found;
    },
  };
}
