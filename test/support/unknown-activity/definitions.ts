// Definitions as a deployment might get them wrong: the demo pipeline with one step naming an
// activity that no domain registers (a typo). Loaded in place of domains/index.ts by hook.mjs.
import { createDefinitions } from '../../../engine/definitions.ts';
import { demoPipeline } from '../../../domains/demo/pipeline.ts';
import { demoSteps } from '../../../domains/demo/steps/index.ts';

export const definitions = createDefinitions({
  pipelines: [{ ...demoPipeline, steps: demoPipeline.steps.map((s) => (s.id === 'clean' ? { ...s, activity: 'cleanDemoEvent' } : s)) }],
  steps: demoSteps,
});

export const pipelines = definitions.pipelines;
export const getPipeline = definitions.getPipeline;
export { UnknownPipelineError } from '../../../engine/definitions.ts';
