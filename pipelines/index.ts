// The pipelines this deployment runs, by name. Definitions are validated when this module loads,
// so a broken definition stops the CLI and the workers at start, not a run at 3 a.m.
import { demoPipeline } from './demo.ts';
import { sensorPipeline } from './sensor.ts';
import { tournamentPipeline } from './tournament.ts';
import type { PipelineDefinition } from './types.ts';
import { validatePipeline } from './validate.ts';

const all: PipelineDefinition[] = [demoPipeline, sensorPipeline, tournamentPipeline];

export const pipelines: ReadonlyMap<string, PipelineDefinition> = new Map(all.map((p) => [p.name, validatePipeline(p)]));

export class UnknownPipelineError extends Error {
  override name = 'UnknownPipelineError';
}

export function getPipeline(name: string): PipelineDefinition {
  const found = pipelines.get(name);
  if (!found) throw new UnknownPipelineError(`unknown pipeline "${name}" (known: ${[...pipelines.keys()].join(', ')})`);
  return found;
}

export type * from './types.ts';
