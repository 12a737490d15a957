// The training-runs resource's SQL, one named function per statement: runs, a run's dataset
// version, hyperparameters, metrics, tags, artifacts and the version it produced.
import sql from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { versionColumns, type ModelVersionRow } from '../models/models.queries.ts';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'killed';

export interface TrainingRunRow {
  id: number;
  model: string;
  status: RunStatus;
  source: 'pipeline' | 'tracking';
  name: string | null;
  createdBy: string | null;
  partition: string | null;
  pipelineRunId: number | null;
  seed: number | null;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
  datasetVersionId: number | null;
  split: Record<string, unknown> | null;
}

const runColumns = sql`r.id, m.name AS model, r.status, r.source, r.name, r.created_by AS "createdBy", r.partition_key AS partition,
  r.pipeline_run_id AS "pipelineRunId", r.seed, r.started_at AS "startedAt", r.ended_at AS "endedAt", r.error,
  r.dataset_version_id AS "datasetVersionId", r.split`;

export async function findTrainingRun(db: Queryable, id: number): Promise<TrainingRunRow | undefined> {
  const { rows } = await db.query<TrainingRunRow>(
    sql`SELECT ${runColumns} FROM registry.training_runs r JOIN registry.models m ON m.id = r.model_id WHERE r.id = ${id}`,
  );
  return rows[0];
}

export interface RunSummaryRow extends TrainingRunRow {
  dataset: { name: string; version: number } | null;
  metrics: Record<string, number>;
}

export async function listTrainingRuns(db: Queryable, q: { model?: string; status?: RunStatus; before?: number; limit: number }): Promise<RunSummaryRow[]> {
  const { rows } = await db.query<RunSummaryRow>(sql`
    SELECT ${runColumns},
           (SELECT jsonb_build_object('name', d.name, 'version', dv.version) FROM registry.dataset_versions dv JOIN registry.datasets d ON d.id = dv.dataset_id
             WHERE dv.id = r.dataset_version_id) AS dataset,
           coalesce((SELECT jsonb_object_agg(x.name, x.value) FROM (
               SELECT DISTINCT ON (name) name, value FROM registry.metrics
                WHERE training_run_id = r.id AND label IS NULL AND step IS NULL AND epoch IS NULL AND value IS NOT NULL ORDER BY name, id DESC) x), '{}') AS metrics
      FROM registry.training_runs r JOIN registry.models m ON m.id = r.model_id
     WHERE (${q.model ?? null}::text IS NULL OR m.name = ${q.model ?? null}) AND (${q.status ?? null}::text IS NULL OR r.status = ${q.status ?? null})
       AND (${q.before ?? null}::bigint IS NULL OR r.id < ${q.before ?? null})
     ORDER BY r.id DESC LIMIT ${q.limit}`);
  return rows;
}

export interface RunDatasetRow {
  id: number;
  name: string;
  version: number;
  sha256: string | null;
  source: string;
  partitions: string[] | null;
  rows: number;
  features: number;
  classCounts: Record<string, number> | null;
}

export async function findRunDataset(db: Queryable, datasetVersionId: number): Promise<RunDatasetRow | undefined> {
  const { rows } = await db.query<RunDatasetRow>(sql`
    SELECT v.id, d.name, v.version, v.sha256, v.source, v.partitions, v.rows, jsonb_array_length(v.columns) AS features, v.class_counts AS "classCounts"
      FROM registry.dataset_versions v JOIN registry.datasets d ON d.id = v.dataset_id WHERE v.id = ${datasetVersionId}`);
  return rows[0];
}

export async function trainingRunHyperparameters(db: Queryable, id: number): Promise<Record<string, unknown>> {
  const { rows } = await db.query<{ name: string; value: unknown }>(
    sql`SELECT name, value FROM registry.hyperparameters WHERE training_run_id = ${id} ORDER BY name`,
  );
  return Object.fromEntries(rows.map((h) => [h.name, h.value]));
}

export interface MetricRow {
  name: string;
  value: number | null;
  step: number | null;
  epoch: number | null;
  label: string | null;
  /** Structured metrics (confusion matrix, feature importance) keep their body here. */
  details: Record<string, unknown> | null;
}

export async function trainingRunMetrics(db: Queryable, id: number): Promise<MetricRow[]> {
  const { rows } = await db.query<MetricRow>(sql`
    SELECT name, value, step, epoch, label, details FROM registry.metrics
     WHERE training_run_id = ${id} ORDER BY name, label NULLS FIRST, epoch NULLS FIRST, step NULLS FIRST, id`);
  return rows;
}

export async function trainingRunTags(db: Queryable, id: number): Promise<Record<string, string>> {
  const { rows } = await db.query<{ name: string; value: string }>(sql`SELECT name, value FROM registry.run_tags WHERE training_run_id = ${id} ORDER BY name`);
  return Object.fromEntries(rows.map((t) => [t.name, t.value]));
}

export interface ArtifactRow {
  path: string;
  uri: string;
  sizeBytes: number;
  sha256: string;
  contentType: string | null;
}

export async function trainingRunArtifacts(db: Queryable, id: number): Promise<ArtifactRow[]> {
  const { rows } = await db.query<ArtifactRow>(sql`
    SELECT path, object_uri AS uri, size_bytes AS "sizeBytes", sha256, content_type AS "contentType"
      FROM registry.run_artifacts WHERE training_run_id = ${id} ORDER BY path`);
  return rows;
}

export async function trainingRunVersion(db: Queryable, id: number): Promise<ModelVersionRow | undefined> {
  const { rows } = await db.query<ModelVersionRow>(sql`SELECT ${versionColumns} FROM registry.model_versions v WHERE v.training_run_id = ${id}`);
  return rows[0];
}
