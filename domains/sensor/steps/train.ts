// Training step of the sensor pipeline (compute queue): the labelled windows of the last
// `trainingDays` days up to the partition, a forest scored on persons it never saw (lib/ml).
// The run is visible as running from the start and as failed if it fails; the windows it used are
// registered as a content-addressed version of the exercise-windows dataset; on success the
// registry gets hyperparameters, metrics (headline, per class, confusion matrix, importance, and
// the current production version scored on the same holdout) and a candidate version whose
// forest is in object storage. A retried attempt starts its run over.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { withClient } from '../../../lib/db/pool.ts';
import { storeJsonArtifact } from '../../registry/artifacts.ts';
import { storeDatasetVersion } from '../../registry/datasets/store.ts';
import { loadModelVersion, productionVersionId } from '../../registry/sql/models.ts';
import { beginTrainingRun, ensureModel, failTrainingRun, recordTrainingOutcome, type MetricRecord } from '../../registry/sql/training.ts';
import { windowsCsv } from '../snapshot.ts';
import { readWindows } from '../sql/windows.ts';
import { classificationReport } from '../../../lib/forest/index.ts';
import { FEATURE_COUNT, featureCatalogue } from '../../../lib/imu/index.ts';
import { NotEnoughDataError, rowsOf, trainExerciseClassifier } from '../../../lib/ml/exercise-model.ts';
import { hashSeed } from '../../../lib/random.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const EXERCISE_MODEL = 'exercise-classifier';
export const SNAPSHOT_DATASET = 'exercise-windows';

export function previousDays(day: string, count: number): string[] {
  const end = Date.parse(`${day}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

function intParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name] ?? fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw ApplicationFailure.nonRetryable(`parameter ${name} must be a positive integer, got ${JSON.stringify(v)}`, 'BadParameter');
  }
  return n;
}

export const trainExerciseModel: StepFactory =
  ({ pools, storage, log }) =>
  async (input) => {
    const ctx = Context.current();
    const model = String(input.params.model ?? EXERCISE_MODEL);
    const trainingDays = intParam(input.params, 'trainingDays', 28);
    const hyper = {
      nEstimators: intParam(input.params, 'nEstimators', 100),
      maxDepth: input.params.maxDepth === undefined ? null : intParam(input.params, 'maxDepth', 1),
      minSamplesLeaf: intParam(input.params, 'minSamplesLeaf', 1),
      maxFeatures: (input.params.maxFeatures as string | number | undefined) ?? 'sqrt',
      bootstrap: true,
      holdout: Number(input.params.holdout ?? 0.2),
      seed: input.params.seed === undefined ? hashSeed(`${model}/${input.partition}`) : intParam(input.params, 'seed', 1),
      trainingDays,
    };
    const days = previousDays(input.partition, trainingDays);
    const modelId = await ensureModel(pools.worker, {
      name: model,
      task: 'classification',
      algorithm: 'random forest (lib/forest, histogram splits)',
      description: 'Exercise type of a 4-second IMU window',
    });
    const runId = await beginTrainingRun(pools.worker, { modelId, pipelineRunId: input.runId, partition: input.partition, seed: hyper.seed });
    try {
      return await trainAndRecord(runId, modelId);
    } catch (e) {
      await failTrainingRun(pools.worker, runId, (e as Error).message).catch(() => {});
      throw e;
    }

    async function trainAndRecord(runId: number, modelId: number) {
      const data = await withClient(pools.worker, (reader) => readWindows(reader, days, FEATURE_COUNT, { labelledOnly: true }));
      ctx.heartbeat({ phase: 'training', windows: data.rows.length });
      log.info({ windows: data.rows.length, from: days[0], to: days.at(-1), ...hyper }, `training ${model} on ${data.rows.length} labelled windows`);
      const labelled = {
        x: data.x,
        cols: FEATURE_COUNT,
        labels: data.rows.map((r) => r.label!),
        sessions: data.rows.map((r) => `${r.deviceId}/${r.sessionId}`),
        persons: data.rows.map((r) => r.deviceId),
      };
      let outcome;
      try {
        outcome = await trainExerciseClassifier(labelled, {
          nEstimators: hyper.nEstimators,
          maxDepth: hyper.maxDepth ?? undefined,
          minSamplesLeaf: hyper.minSamplesLeaf,
          maxFeatures: hyper.maxFeatures as never,
          holdout: hyper.holdout,
          seed: hyper.seed,
          threads: input.params.threads === undefined ? 1 : intParam(input.params, 'threads', 1),
        });
      } catch (e) {
        if (e instanceof NotEnoughDataError) {
          throw ApplicationFailure.nonRetryable(`not enough labelled windows in ${days[0]}…${days.at(-1)} to train ${model}: ${e.message}`, 'NotEnoughData');
        }
        throw e;
      }
      ctx.heartbeat({ phase: 'recording' });
      log.info({ macroF1: outcome.report.macroF1, accuracy: outcome.report.accuracy }, `trained ${model}: macro F1 ${outcome.report.macroF1.toFixed(3)}`);
      const snapshot = await storeDatasetVersion(storage, pools.worker, {
        name: SNAPSHOT_DATASET,
        format: 'csv',
        body: windowsCsv(
          data.rows,
          data.x,
          featureCatalogue.map((f) => f.name),
        ),
        createdBy: `pipeline run ${input.runId}`,
        description: 'Labelled silver IMU windows that training runs of the exercise classifier used',
        source: 'silver.imu_windows',
        partitions: [...new Set(data.rows.map((r) => r.partition))],
        classCounts: outcome.classCounts,
      });

      // The production version scored on this holdout, so the gate compares like with like.
      const productionId = await productionVersionId(pools.worker, model);
      let baseline: { modelVersionId: number; version: number; macroF1: number; accuracy: number } | null = null;
      if (productionId !== null) {
        const production = await loadModelVersion(pools.worker, productionId, storage);
        if (production.forest.features === FEATURE_COUNT) {
          const test = rowsOf(labelled, outcome.testRows);
          const r = classificationReport(
            outcome.testRows.map((i) => labelled.labels[i]),
            production.forest.predict(test),
            outcome.report.labels,
          );
          baseline = { modelVersionId: productionId, version: production.version, macroF1: r.macroF1, accuracy: r.accuracy };
        }
      }

      const { report, forest } = outcome;
      const metrics: MetricRecord[] = [
        { name: 'accuracy', value: report.accuracy },
        { name: 'macro_precision', value: report.macroPrecision },
        { name: 'macro_recall', value: report.macroRecall },
        { name: 'macro_f1', value: report.macroF1 },
        { name: 'oob_score', value: forest.oobScore },
        { name: 'test_windows', value: outcome.split.testWindows },
        ...report.perClass.flatMap((c): MetricRecord[] => [
          { name: 'precision', value: c.precision, label: c.label },
          { name: 'recall', value: c.recall, label: c.label },
          { name: 'f1', value: c.f1, label: c.label },
          { name: 'support', value: c.support, label: c.label },
        ]),
        { name: 'confusion_matrix', value: null, details: { labels: report.labels, matrix: report.confusion } },
        {
          name: 'feature_importance',
          value: null,
          details: {
            features: Array.from(forest.featureImportance, (importance, i) => ({ feature: featureCatalogue[i].name, importance })).sort(
              (a, b) => b.importance - a.importance,
            ),
          },
        },
      ];
      if (baseline) {
        metrics.push({ name: 'baseline_macro_f1', value: baseline.macroF1, details: { modelVersionId: baseline.modelVersionId, version: baseline.version } });
        metrics.push({ name: 'baseline_accuracy', value: baseline.accuracy, details: { modelVersionId: baseline.modelVersionId, version: baseline.version } });
      }
      const artifact = await storeJsonArtifact(storage, model, forest.toJSON());
      const recorded = await recordTrainingOutcome(pools.worker, {
        runId,
        modelId,
        datasetVersionId: snapshot.id,
        split: {
          kind:
            outcome.split.heldOut === 'persons' ? 'holdout by person (device): whole persons unseen in training' : 'holdout by session, stratified by exercise',
          testFraction: hyper.holdout,
          seed: hyper.seed,
          ...outcome.split,
        },
        hyperparameters: hyper,
        metrics,
        artifact,
        featureNames: featureCatalogue.map((f) => f.name),
        classes: forest.classes,
        createdBy: `pipeline run ${input.runId}`,
        // Every run joins an experiment (by default the pipeline's daily retraining), so runs with
        // different hyperparameters can be compared side by side in /v1/experiments.
        experiment: {
          name: String(input.params.experiment ?? `${model}/daily-retraining`),
          description: `Training runs of ${model} by the ${input.pipeline} pipeline`,
          note: `${input.pipeline} ${input.partition}: ${hyper.nEstimators} trees, ${trainingDays} days`,
        },
      });
      return {
        read: { 'silver.imu_windows': data.rows.length },
        written: { 'registry.training_runs': 1, 'registry.model_versions': 1, 'registry.dataset_versions': snapshot.created ? 1 : 0 },
        // The training window spans many days.
        partitions: {
          reads: [...new Set(data.rows.map((r) => r.partition))].flatMap((p) => [
            { table: 'silver.imu_windows', partition: p },
            { table: 'silver.exercise_sessions', partition: p },
          ]),
        },
        metrics: {
          model,
          version: recorded.version,
          modelVersionId: recorded.modelVersionId,
          trainingRunId: runId,
          datasetVersion: snapshot.version,
          datasetSha256: snapshot.sha256,
          accuracy: round(report.accuracy),
          macroF1: round(report.macroF1),
          oobScore: forest.oobScore === null ? null : round(forest.oobScore),
          baselineMacroF1: baseline ? round(baseline.macroF1) : null,
          trainWindows: outcome.split.trainWindows,
          testWindows: outcome.split.testWindows,
        },
      };
    }
  };

const round = (v: number) => Math.round(v * 1e4) / 1e4;
