// The registry domain's step activities, registered by name in domains/index.ts.
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { purgeDatasets } from './purge-datasets.ts';
import { trainFromDataset } from './train-from-dataset.ts';

export const registrySteps: Record<string, StepFactory> = { trainFromDataset, purgeDatasets };
