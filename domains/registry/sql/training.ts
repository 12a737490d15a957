// Recording training in the registry, shared by every step that trains (the exercise classifier,
// the tournament's game and market models, training from an uploaded dataset): a run is visible
// as running from its first moment, as failed with its error if it fails, and on success gets its
// hyperparameters, metrics and a candidate version whose artifact is in object storage. A retried
// attempt of the same pipeline run starts its run over rather than adding another.
import sql from 'sql-template-tag';
import { withTransaction, type Pool, type Queryable } from '../../../lib/db/pool.ts';
import type { StoredArtifact } from '../artifacts.ts';

export interface ModelSpec {
  name: string;
  task: 'classification' | 'regression' | 'other';
  algorithm: string;
  description: string;
}

export async function ensureModel(db: Queryable, m: ModelSpec): Promise<number> {
  const { rows } = await db.query<{ id: number }>(sql`
    INSERT INTO registry.models (name, task, algorithm, description) VALUES (${m.name}, ${m.task}, ${m.algorithm}, ${m.description})
    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`);
  return rows[0]!.id;
}

/** What an earlier attempt of a run recorded goes, so the run is recorded once. */
async function clearAttempt(db: Queryable, runId: number): Promise<void> {
  await db.query(sql`DELETE FROM registry.model_versions WHERE training_run_id = ${runId} AND status = 'candidate'`);
  await db.query(sql`DELETE FROM registry.metrics WHERE training_run_id = ${runId}`);
  await db.query(sql`DELETE FROM registry.hyperparameters WHERE training_run_id = ${runId}`);
  await db.query(sql`DELETE FROM registry.experiment_runs WHERE training_run_id = ${runId}`);
}

/**
 * Marks a run running and returns its id: the queued run the API created (trainingRunId), or the
 * one run of this model and pipeline run (created now, or reset by a retried attempt).
 */
export async function beginTrainingRun(
  pool: Pool,
  r: { modelId: number; pipelineRunId: number; partition: string; seed?: number | null; trainingRunId?: number; workflowId?: string },
): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = r.trainingRunId
      ? await client.query<{ id: number }>(sql`
          UPDATE registry.training_runs SET status = 'running', pipeline_run_id = ${r.pipelineRunId}, partition_key = ${r.partition},
                 seed = coalesce(${r.seed ?? null}, seed), started_at = now(), ended_at = NULL, error = NULL
           WHERE id = ${r.trainingRunId} AND model_id = ${r.modelId} RETURNING id`)
      : await client.query<{ id: number }>(sql`
          INSERT INTO registry.training_runs (model_id, pipeline_run_id, partition_key, status, seed, workflow_id)
          VALUES (${r.modelId}, ${r.pipelineRunId}, ${r.partition}, 'running', ${r.seed ?? null}, ${r.workflowId ?? null})
          ON CONFLICT (model_id, pipeline_run_id) WHERE pipeline_run_id IS NOT NULL
          DO UPDATE SET status = 'running', started_at = now(), ended_at = NULL, error = NULL, seed = EXCLUDED.seed RETURNING id`);
    if (!rows[0]) throw new Error(`training run ${r.trainingRunId} of model ${r.modelId} does not exist`);
    await clearAttempt(client, rows[0].id);
    return rows[0].id;
  });
}

export async function failTrainingRun(db: Queryable, runId: number, error: string): Promise<void> {
  await db.query(sql`UPDATE registry.training_runs SET status = 'failed', ended_at = now(), error = ${error.slice(0, 4000)} WHERE id = ${runId}`);
}

/** One metric: a headline (no label), per class (label), per step or epoch, or structured (details). */
export interface MetricRecord {
  name: string;
  value: number | null;
  label?: string | null;
  step?: number | null;
  epoch?: number | null;
  details?: unknown;
}

export async function insertMetrics(db: Queryable, runId: number, metrics: MetricRecord[]): Promise<void> {
  for (const m of metrics) {
    await db.query(sql`
      INSERT INTO registry.metrics (training_run_id, name, value, label, step, epoch, details)
      VALUES (${runId}, ${m.name}, ${m.value}, ${m.label ?? null}, ${m.step ?? null}, ${m.epoch ?? null},
              ${m.details === undefined || m.details === null ? null : JSON.stringify(m.details)})`);
  }
}

export interface TrainingOutcome {
  runId: number;
  modelId: number;
  datasetVersionId: number | null;
  split: Record<string, unknown>;
  hyperparameters: Record<string, unknown>;
  metrics: MetricRecord[];
  artifact: StoredArtifact;
  featureNames: string[];
  classes: string[] | null;
  createdBy: string;
  experiment?: { name: string; description: string; note: string };
}

/** Succeeds the run and records what it made, in one transaction; returns the candidate version. */
export async function recordTrainingOutcome(pool: Pool, o: TrainingOutcome): Promise<{ modelVersionId: number; version: number }> {
  return withTransaction(pool, async (client) => {
    // The same lock as the gate and hand deploys take: one change to a model's versions at a time.
    await client.query(
      sql`SELECT pg_advisory_xact_lock(hashtextextended('registry.versions|' || (SELECT name FROM registry.models WHERE id = ${o.modelId}), 0))`,
    );
    await clearAttempt(client, o.runId);
    await client.query(sql`
      UPDATE registry.training_runs SET status = 'succeeded', ended_at = now(), error = NULL,
             dataset_version_id = ${o.datasetVersionId}, split = ${JSON.stringify(o.split)}
       WHERE id = ${o.runId}`);
    for (const [name, value] of Object.entries(o.hyperparameters)) {
      await client.query(sql`INSERT INTO registry.hyperparameters (training_run_id, name, value) VALUES (${o.runId}, ${name}, ${JSON.stringify(value)})`);
    }
    await insertMetrics(client, o.runId, o.metrics);
    const a = o.artifact;
    const { rows } = await client.query<{ id: number; version: number }>(sql`
      INSERT INTO registry.model_versions (model_id, version, training_run_id, status, artifact_key, artifact_uri, artifact_size, artifact_sha256,
                                           artifact_format, feature_names, classes, created_by)
      VALUES (${o.modelId}, (SELECT coalesce(max(version), 0) + 1 FROM registry.model_versions WHERE model_id = ${o.modelId}), ${o.runId}, 'candidate',
              ${a.key}, ${a.uri}, ${a.size}, ${a.sha256}, ${a.format}, ${o.featureNames}, ${o.classes}, ${o.createdBy})
      RETURNING id, version`);
    if (o.experiment) {
      const e = await client.query<{ id: number }>(sql`
        INSERT INTO registry.experiments (name, description) VALUES (${o.experiment.name}, ${o.experiment.description})
        ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`);
      await client.query(
        sql`INSERT INTO registry.experiment_runs (experiment_id, training_run_id, note) VALUES (${e.rows[0]!.id}, ${o.runId}, ${o.experiment.note})`,
      );
    }
    return { modelVersionId: rows[0]!.id, version: rows[0]!.version };
  });
}
