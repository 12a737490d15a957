// The experiments resource's SQL: experiments, and every experiment's runs with headline metrics
// (the run's unlabelled, step-less numeric metrics as one JSON object).
import sql from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';

export interface ExperimentRow {
  id: number;
  name: string;
  description: string | null;
  createdAt: Date;
}

export async function listExperiments(db: Queryable): Promise<ExperimentRow[]> {
  const { rows } = await db.query<ExperimentRow>(
    sql`SELECT id, name, description, created_at AS "createdAt" FROM registry.experiments ORDER BY created_at DESC, id DESC`,
  );
  return rows;
}

export interface ExperimentRunRow {
  experimentId: number;
  trainingRunId: number;
  model: string;
  status: string;
  note: string | null;
  metrics: Record<string, number>;
}

export async function experimentRuns(db: Queryable): Promise<ExperimentRunRow[]> {
  const { rows } = await db.query<ExperimentRunRow>(sql`
    SELECT er.experiment_id AS "experimentId", er.training_run_id AS "trainingRunId", m.name AS model, r.status, er.note,
           coalesce((SELECT jsonb_object_agg(name, value) FROM registry.metrics x
                      WHERE x.training_run_id = r.id AND x.label IS NULL AND x.step IS NULL AND x.value IS NOT NULL), '{}') AS metrics
      FROM registry.experiment_runs er JOIN registry.training_runs r ON r.id = er.training_run_id JOIN registry.models m ON m.id = r.model_id
     ORDER BY er.added_at`);
  return rows;
}
