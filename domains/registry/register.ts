// Registering a model a pipeline step fitted in passing (the tournament's game and market models):
// a training run of the step's pipeline run, its hyperparameters and metrics, and a candidate
// version whose artifact is in object storage. Deploying one is a person's decision (the API).
import type { Pool } from '../../lib/db/pool.ts';
import type { ObjectStorage } from '../../lib/storage/index.ts';
import { storeJsonArtifact } from './artifacts.ts';
import { beginTrainingRun, ensureModel, failTrainingRun, recordTrainingOutcome, type MetricRecord, type ModelSpec } from './sql/training.ts';

export interface FittedModel {
  model: ModelSpec;
  hyperparameters: Record<string, unknown>;
  metrics: MetricRecord[];
  /** The model's parameters, serialisable as JSON. */
  artifact: unknown;
  featureNames: string[];
  classes?: string[];
  split?: Record<string, unknown>;
}

export async function registerFittedModel(
  pool: Pool,
  storage: ObjectStorage,
  run: { pipelineRunId: number; partition: string },
  fitted: FittedModel,
): Promise<{ trainingRunId: number; version: number }> {
  const modelId = await ensureModel(pool, fitted.model);
  const runId = await beginTrainingRun(pool, { modelId, pipelineRunId: run.pipelineRunId, partition: run.partition });
  try {
    const artifact = await storeJsonArtifact(storage, fitted.model.name, fitted.artifact);
    const { version } = await recordTrainingOutcome(pool, {
      runId,
      modelId,
      datasetVersionId: null,
      split: fitted.split ?? {},
      hyperparameters: fitted.hyperparameters,
      metrics: fitted.metrics,
      artifact,
      featureNames: fitted.featureNames,
      classes: fitted.classes ?? null,
      createdBy: `pipeline run ${run.pipelineRunId}`,
    });
    return { trainingRunId: runId, version };
  } catch (e) {
    await failTrainingRun(pool, runId, (e as Error).message).catch(() => {});
    throw e;
  }
}
