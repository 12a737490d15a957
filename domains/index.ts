// This deployment's definitions: every domain's pipelines and step activities, registered in one
// place and validated when this module loads, so a broken definition or a step naming an unknown
// activity stops the CLI, the API and the workers at start, not a run at 3 a.m.
import { createDefinitions } from '../engine/definitions.ts';
import { demoPipeline, demoQualityPipeline, demoWeeklyPipeline } from './demo/pipeline.ts';
import { demoSteps } from './demo/steps/index.ts';
import { sensorPipeline } from './sensor/pipeline.ts';
import { sensorSteps } from './sensor/steps/index.ts';
import { retentionPipeline } from './sensor/retention.ts';
import { uptimePipeline } from './sensor/uptime.ts';
import { tournamentPipeline } from './tournament/pipeline.ts';
import { tournamentSteps } from './tournament/steps/index.ts';
import { modelTrainingPipeline, registryMaintenancePipeline } from './registry/pipeline.ts';
import { registrySteps } from './registry/steps/index.ts';

export const definitions = createDefinitions({
  pipelines: [
    demoPipeline,
    demoQualityPipeline,
    demoWeeklyPipeline,
    sensorPipeline,
    uptimePipeline,
    retentionPipeline,
    tournamentPipeline,
    modelTrainingPipeline,
    registryMaintenancePipeline,
  ],
  steps: { ...demoSteps, ...sensorSteps, ...tournamentSteps, ...registrySteps },
});

export const pipelines = definitions.pipelines;
export const getPipeline = definitions.getPipeline;
export { UnknownPipelineError } from '../engine/definitions.ts';
