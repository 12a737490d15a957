// Training step of the sensor pipeline (compute queue): the labelled windows of the last
// `trainingDays` days up to the partition, a forest fitted on a session-level stratified holdout,
// and everything recorded in the registry in one transaction: the dataset snapshot,
// hyperparameters, metrics (headline, per class, confusion matrix, importance, and the current
// production version scored on the same holdout) and a candidate model version. A retried
// attempt replaces its own records; a failed one leaves none.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { withClient, withTransaction, type PoolClient } from '../../../lib/db/pool.ts';
import { loadModelVersion, productionVersionId } from '../../registry/sql/models.ts';
import { readWindows } from '../sql/windows.ts';
import { classificationReport } from '../../../lib/forest/index.ts';
import { FEATURE_COUNT, featureCatalogue } from '../../../lib/imu/index.ts';
import { NotEnoughDataError, rowsOf, trainExerciseClassifier } from '../../../lib/ml/exercise-model.ts';
import { hashSeed } from '../../../lib/random.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const EXERCISE_MODEL = 'exercise-classifier';

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
  ({ pools }) =>
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
    const startedAt = new Date();

    const data = await withClient(pools.worker, (reader) => readWindows(reader, days, FEATURE_COUNT, { labelledOnly: true }));
    ctx.heartbeat({ phase: 'training', windows: data.rows.length });
    const labelled = { x: data.x, cols: FEATURE_COUNT, labels: data.rows.map((r) => r.label!), sessions: data.rows.map((r) => `${r.deviceId}/${r.sessionId}`) };
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

    // The production version scored on this holdout, so the gate compares like with like.
    const productionId = await productionVersionId(pools.worker, model);
    let baseline: { modelVersionId: number; version: number; macroF1: number; accuracy: number } | null = null;
    if (productionId !== null) {
      const production = await loadModelVersion(pools.worker, productionId);
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
    const recorded = await withTransaction(pools.worker, async (client) => {
      const modelId = await ensureModel(client, model);
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`registry.versions|${model}`]);
      // A retried attempt of this pipeline run replaces what an earlier attempt recorded.
      await client.query(
        `DELETE FROM registry.model_versions WHERE status = 'candidate' AND training_run_id IN
         (SELECT id FROM registry.training_runs WHERE model_id = $1 AND pipeline_run_id = $2)`,
        [modelId, input.runId],
      );
      await client.query('DELETE FROM registry.training_runs WHERE model_id = $1 AND pipeline_run_id = $2', [modelId, input.runId]);
      const dataset = await client.query(
        `INSERT INTO registry.datasets (name, source, partitions, rows, features, class_counts, split)
       VALUES ($1, 'silver.imu_windows', $2, $3, $4, $5, $6) RETURNING id`,
        [
          `exercise-windows/${input.partition}`,
          [...new Set(data.rows.map((r) => r.partition))],
          data.rows.length,
          FEATURE_COUNT,
          outcome.classCounts,
          { kind: 'holdout by session, stratified by exercise', testFraction: hyper.holdout, seed: hyper.seed, ...outcome.split },
        ],
      );
      const run = await client.query(
        `INSERT INTO registry.training_runs (model_id, dataset_id, pipeline_run_id, partition_key, status, seed, started_at, ended_at)
       VALUES ($1, $2, $3, $4, 'succeeded', $5, $6, now()) RETURNING id`,
        [modelId, dataset.rows[0].id, input.runId, input.partition, hyper.seed, startedAt],
      );
      const runId = Number(run.rows[0].id);
      for (const [name, value] of Object.entries(hyper)) {
        await client.query('INSERT INTO registry.hyperparameters (training_run_id, name, value) VALUES ($1, $2, $3)', [runId, name, JSON.stringify(value)]);
      }
      const metrics: [string, number | null, string | null, unknown][] = [
        ['accuracy', report.accuracy, null, null],
        ['macro_precision', report.macroPrecision, null, null],
        ['macro_recall', report.macroRecall, null, null],
        ['macro_f1', report.macroF1, null, null],
        ['oob_score', forest.oobScore, null, null],
        ['test_windows', outcome.split.testWindows, null, null],
        ...report.perClass.flatMap((c): [string, number, string, null][] => [
          ['precision', c.precision, c.label, null],
          ['recall', c.recall, c.label, null],
          ['f1', c.f1, c.label, null],
          ['support', c.support, c.label, null],
        ]),
        ['confusion_matrix', null, null, { labels: report.labels, matrix: report.confusion }],
        [
          'feature_importance',
          null,
          null,
          {
            features: Array.from(forest.featureImportance, (importance, i) => ({ feature: featureCatalogue[i].name, importance })).sort(
              (a, b) => b.importance - a.importance,
            ),
          },
        ],
      ];
      if (baseline) {
        metrics.push(['baseline_macro_f1', baseline.macroF1, null, { modelVersionId: baseline.modelVersionId, version: baseline.version }]);
        metrics.push(['baseline_accuracy', baseline.accuracy, null, { modelVersionId: baseline.modelVersionId, version: baseline.version }]);
      }
      for (const [name, value, label, details] of metrics) {
        await client.query('INSERT INTO registry.metrics (training_run_id, name, value, label, details) VALUES ($1, $2, $3, $4, $5)', [
          runId,
          name,
          value,
          label,
          details === null ? null : JSON.stringify(details),
        ]);
      }
      const version = await client.query(
        `INSERT INTO registry.model_versions (model_id, version, training_run_id, status, artifact, feature_names, classes)
       VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM registry.model_versions WHERE model_id = $1), $2, 'candidate', $3, $4, $5)
       RETURNING id, version`,
        [modelId, runId, JSON.stringify(forest.toJSON()), featureCatalogue.map((f) => f.name), forest.classes],
      );
      // Every run joins an experiment (by default the pipeline's daily retraining), so runs with
      // different hyperparameters can be compared side by side in /v1/experiments.
      const experiment = await client.query(
        `INSERT INTO registry.experiments (name, description) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [String(input.params.experiment ?? `${model}/daily-retraining`), `Training runs of ${model} by the ${input.pipeline} pipeline`],
      );
      await client.query('INSERT INTO registry.experiment_runs (experiment_id, training_run_id, note) VALUES ($1, $2, $3)', [
        experiment.rows[0].id,
        runId,
        `${input.pipeline} ${input.partition}: ${hyper.nEstimators} trees, ${trainingDays} days`,
      ]);
      return { trainingRunId: runId, modelVersionId: Number(version.rows[0].id), version: version.rows[0].version as number };
    });
    return {
      read: { 'silver.imu_windows': data.rows.length },
      written: { 'registry.training_runs': 1, 'registry.model_versions': 1 },
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
        trainingRunId: recorded.trainingRunId,
        accuracy: round(report.accuracy),
        macroF1: round(report.macroF1),
        oobScore: forest.oobScore === null ? null : round(forest.oobScore),
        baselineMacroF1: baseline ? round(baseline.macroF1) : null,
        trainWindows: outcome.split.trainWindows,
        testWindows: outcome.split.testWindows,
      },
    };
  };

const round = (v: number) => Math.round(v * 1e4) / 1e4;

async function ensureModel(client: PoolClient, name: string): Promise<number> {
  const { rows } = await client.query(
    `INSERT INTO registry.models (name, task, algorithm, description)
     VALUES ($1, 'classification', 'random forest (lib/forest, histogram splits)', 'Exercise type of a 4-second IMU window')
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [name],
  );
  return Number(rows[0].id);
}
