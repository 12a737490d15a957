// The training-runs resource's SQL, one named function per statement: a run, its dataset,
// hyperparameters, metrics and the version it produced.
import sql from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { versionColumns, type ModelVersionRow } from '../models/models.queries.ts';

export interface TrainingRunRow {
  id: number;
  model: string;
  status: 'running' | 'succeeded' | 'failed';
  partition: string | null;
  pipelineRunId: number | null;
  seed: number | null;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
  datasetId: number | null;
}

export async function findTrainingRun(db: Queryable, id: number): Promise<TrainingRunRow | undefined> {
  const { rows } = await db.query<TrainingRunRow>(sql`
    SELECT r.id, m.name AS model, r.status, r.partition_key AS partition, r.pipeline_run_id AS "pipelineRunId", r.seed,
           r.started_at AS "startedAt", r.ended_at AS "endedAt", r.error, r.dataset_id AS "datasetId"
      FROM registry.training_runs r JOIN registry.models m ON m.id = r.model_id WHERE r.id = ${id}`);
  return rows[0];
}

export interface DatasetRow {
  id: number;
  name: string;
  source: string;
  partitions: string[];
  rows: number;
  features: number;
  classCounts: Record<string, number> | null;
  split: Record<string, unknown>;
}

export async function findDataset(db: Queryable, id: number): Promise<DatasetRow | undefined> {
  const { rows } = await db.query<DatasetRow>(sql`
    SELECT id, name, source, partitions, rows, features, class_counts AS "classCounts", split FROM registry.datasets WHERE id = ${id}`);
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
  label: string | null;
  /** Structured metrics (confusion matrix, feature importance) keep their body here. */
  details: Record<string, unknown> | null;
}

export async function trainingRunMetrics(db: Queryable, id: number): Promise<MetricRow[]> {
  const { rows } = await db.query<MetricRow>(sql`
    SELECT name, value, step, label, details FROM registry.metrics
     WHERE training_run_id = ${id} ORDER BY name, label NULLS FIRST, step NULLS FIRST`);
  return rows;
}

export async function trainingRunVersion(db: Queryable, id: number): Promise<ModelVersionRow | undefined> {
  const { rows } = await db.query<ModelVersionRow>(sql`SELECT ${versionColumns} FROM registry.model_versions v WHERE v.training_run_id = ${id}`);
  return rows[0];
}
