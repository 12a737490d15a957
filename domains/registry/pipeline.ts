// The registry's pipelines: model-training, one partition per training request (the API starts it
// with POST /v1/models/{name}/train and the partition run-<training run id>), and the daily
// registry-maintenance that purges the files of datasets whose retention ran out.
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';

export const MODEL_TRAINING = 'model-training';

export const trainingPartition = (trainingRunId: number) => `run-${trainingRunId}`;

export const modelTrainingPipeline: PipelineDefinition = {
  name: MODEL_TRAINING,
  description: 'A model version trained on a dataset version with a chosen split (POST /v1/models/{name}/train)',
  partitioning: { kind: 'keys' },
  steps: [
    {
      id: 'train',
      activity: 'trainFromDataset',
      layer: 'gold',
      queue: 'compute',
      heartbeatTimeout: '2 minutes',
      startToCloseTimeout: '1 hour',
      retry: { maximumAttempts: 2 },
      reads: [{ table: 'registry.dataset_versions' }],
      writes: [{ table: 'registry.training_runs' }, { table: 'registry.model_versions' }],
    },
  ],
};

export const registryMaintenancePipeline: PipelineDefinition = {
  name: 'registry-maintenance',
  description: 'Purges the files of deleted datasets once their retention period has passed',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  schedule: { cron: '30 3 * * *', timezone: 'UTC' },
  steps: [{ id: 'purge_datasets', activity: 'purgeDatasets', layer: 'gold', writes: [{ table: 'registry.dataset_versions' }] }],
};
