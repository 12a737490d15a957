// Training step of the model-training pipeline (compute queue): the run the API queued names its
// model, dataset version and request (target, features, task, split, hyperparameters); the step
// reads those columns from object storage, fits a forest on a seeded holdout and records the
// scores, per-class metrics, importances and a candidate version with its artifact in storage.
// The run shows as running while it trains and as failed, with the reason, if it cannot.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { RandomForestClassifier } from '../../../lib/forest/index.ts';
import { TableTrainingError, trainOnTable, type TableTrainingRequest } from '../../../lib/ml/tabular.ts';
import { storeJsonArtifact } from '../artifacts.ts';
import { DatasetUnavailable, readColumns } from '../datasets/read.ts';
import { findDatasetVersionById } from '../sql/datasets.ts';
import { beginTrainingRun, failTrainingRun, recordTrainingOutcome, type MetricRecord } from '../sql/training.ts';

export interface TrainingRequest {
  task: 'classification' | 'regression';
  target: string;
  features: string[];
  testFraction: number;
  seed: number;
}

async function queuedRun(pool: Parameters<StepFactory>[0]['pools']['worker'], id: number) {
  const { rows } = await pool.query<{ modelId: number; model: string; datasetVersionId: number | null; split: TrainingRequest; experiment: string | null }>(
    `SELECT r.model_id AS "modelId", m.name AS model, r.dataset_version_id AS "datasetVersionId", r.split,
            (SELECT e.name FROM registry.experiment_runs er JOIN registry.experiments e ON e.id = er.experiment_id WHERE er.training_run_id = r.id LIMIT 1) AS experiment
       FROM registry.training_runs r JOIN registry.models m ON m.id = r.model_id WHERE r.id = $1`,
    [id],
  );
  if (!rows[0]) throw ApplicationFailure.nonRetryable(`training run ${id} does not exist`, 'NoTrainingRun');
  const { rows: hyper } = await pool.query<{ name: string; value: unknown }>('SELECT name, value FROM registry.hyperparameters WHERE training_run_id = $1', [
    id,
  ]);
  return { ...rows[0], hyperparameters: Object.fromEntries(hyper.map((h) => [h.name, h.value])) };
}

export const trainFromDataset: StepFactory =
  ({ pools, storage }) =>
  async (input) => {
    const trainingRunId = Number(input.params.trainingRunId);
    if (!Number.isInteger(trainingRunId) || trainingRunId < 1)
      throw ApplicationFailure.nonRetryable('parameter trainingRunId must be a run id', 'BadParameter');
    const run = await queuedRun(pools.worker, trainingRunId);
    const request = run.split;
    await beginTrainingRun(pools.worker, { modelId: run.modelId, pipelineRunId: input.runId, partition: input.partition, trainingRunId, seed: request.seed });
    try {
      const version = run.datasetVersionId === null ? undefined : await findDatasetVersionById(pools.worker, run.datasetVersionId);
      if (!version) throw new DatasetUnavailable(`training run ${trainingRunId} names no dataset version`);
      const ctx = Context.current();
      ctx.heartbeat({ phase: 'reading', dataset: `${version.dataset} v${version.version}` });
      const columns = await readColumns(storage, version, [request.target, ...request.features]);
      ctx.heartbeat({ phase: 'training' });
      const h = run.hyperparameters as Record<string, number | string | undefined>;
      const training: TableTrainingRequest = {
        ...request,
        forest: {
          nEstimators: h.nEstimators === undefined ? 100 : Number(h.nEstimators),
          maxDepth: h.maxDepth === undefined ? undefined : Number(h.maxDepth),
          minSamplesLeaf: h.minSamplesLeaf === undefined ? undefined : Number(h.minSamplesLeaf),
          maxFeatures: h.maxFeatures as never,
        },
      };
      const outcome = await trainOnTable(columns, training);
      const metrics: MetricRecord[] = [
        ...Object.entries(outcome.scores).map(([name, value]) => ({ name, value })),
        { name: 'test_rows', value: outcome.split.testRows },
        { name: 'rows_dropped', value: outcome.rowsDropped },
        { name: 'oob_score', value: outcome.forest.oobScore },
        {
          name: 'feature_importance',
          value: null,
          details: {
            features: Array.from(outcome.forest.featureImportance, (importance, i) => ({ feature: request.features[i], importance })).sort(
              (a, b) => b.importance - a.importance,
            ),
          },
        },
      ];
      if (outcome.report) {
        const report = outcome.report;
        metrics.push({ name: 'confusion_matrix', value: null, details: { labels: report.labels, matrix: report.confusion } });
        for (const c of report.perClass) {
          metrics.push({ name: 'precision', value: c.precision, label: c.label }, { name: 'recall', value: c.recall, label: c.label });
          metrics.push({ name: 'f1', value: c.f1, label: c.label }, { name: 'support', value: c.support, label: c.label });
        }
      }
      const artifact = await storeJsonArtifact(storage, run.model, outcome.forest.toJSON());
      const recorded = await recordTrainingOutcome(pools.worker, {
        runId: trainingRunId,
        modelId: run.modelId,
        datasetVersionId: version.id,
        split: { ...request, ...outcome.split, rowsUsed: outcome.rowsUsed },
        hyperparameters: run.hyperparameters,
        metrics,
        artifact,
        featureNames: request.features,
        classes: outcome.forest instanceof RandomForestClassifier ? outcome.forest.classes : null,
        createdBy: `pipeline run ${input.runId}`,
        experiment: run.experiment
          ? { name: run.experiment, description: `Training runs of ${run.model}`, note: `${version.dataset} v${version.version}, target ${request.target}` }
          : undefined,
      });
      return {
        // The rows read are the dataset version's (its file in object storage, found through its row).
        read: { 'registry.dataset_versions': outcome.rowsUsed + outcome.rowsDropped },
        written: { 'registry.training_runs': 1, 'registry.model_versions': 1 },
        metrics: { model: run.model, version: recorded.version, trainingRunId, dataset: `${version.dataset} v${version.version}`, ...outcome.scores },
      };
    } catch (e) {
      await failTrainingRun(pools.worker, trainingRunId, (e as Error).message).catch(() => {});
      if (e instanceof TableTrainingError || e instanceof DatasetUnavailable) throw ApplicationFailure.nonRetryable(e.message, e.name);
      throw e;
    }
  };
