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
  problems.push(...upstreamProblems(pipelines));
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

/** Every upstream input names a pipeline of this deployment whose partitions map onto the downstream's. */
function upstreamProblems(pipelines: ReadonlyMap<string, PipelineDefinition>): string[] {
  const problems: string[] = [];
  for (const p of pipelines.values()) {
    for (const input of p.inputs ?? []) {
      if (input.kind !== 'upstream') continue;
      const upstream = pipelines.get(input.pipeline);
      if (!upstream) {
        problems.push(`${p.name}: upstream pipeline "${input.pipeline}" is not defined`);
        continue;
      }
      const mapping = input.mapping ?? 'same';
      if (mapping === 'week' && !(upstream.partitioning.kind === 'daily' && p.partitioning.kind === 'weekly')) {
        problems.push(`${p.name}: the week mapping needs a daily upstream and a weekly pipeline (${input.pipeline} is ${upstream.partitioning.kind})`);
      }
      if (mapping === 'same' && upstream.partitioning.kind !== p.partitioning.kind) {
        problems.push(`${p.name}: upstream ${input.pipeline} is ${upstream.partitioning.kind} and this pipeline ${p.partitioning.kind}; give a mapping`);
      }
    }
  }
  return problems;
}
