// The models resource's SQL, one named function per statement, over registry.models and
// registry.model_versions. A version's row is shared with the training-runs resource.
import sql, { raw } from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';

export type VersionStatus = 'candidate' | 'production' | 'archived' | 'rejected';

export interface ModelVersionRow {
  id: number;
  modelId: number;
  version: number;
  status: VersionStatus;
  trainingRunId: number | null;
  createdAt: Date;
  promotedAt: Date | null;
  gate: Record<string, unknown> | null;
  features: number;
  classes: string[] | null;
}

/** The columns of a ModelVersionRow, selected from registry.model_versions as v. */
export const versionColumns = raw(`v.id, v.model_id AS "modelId", v.version, v.status, v.training_run_id AS "trainingRunId",
  v.created_at AS "createdAt", v.promoted_at AS "promotedAt", v.gate, cardinality(v.feature_names) AS features, v.classes`);

export interface ModelRow {
  id: number;
  name: string;
  task: string;
  algorithm: string;
  description: string | null;
  createdAt: Date;
  versions: number;
}

export async function listModels(db: Queryable): Promise<ModelRow[]> {
  const { rows } = await db.query<ModelRow>(sql`
    SELECT m.id, m.name, m.task, m.algorithm, m.description, m.created_at AS "createdAt",
           (SELECT count(*) FROM registry.model_versions v WHERE v.model_id = m.id)::int AS versions
      FROM registry.models m ORDER BY m.name`);
  return rows;
}

export async function productionVersions(db: Queryable): Promise<ModelVersionRow[]> {
  const { rows } = await db.query<ModelVersionRow>(sql`SELECT ${versionColumns} FROM registry.model_versions v WHERE v.status = 'production'`);
  return rows;
}

/** A model's versions, newest first; undefined when there is no such model. */
export async function modelVersions(db: Queryable, model: string): Promise<ModelVersionRow[] | undefined> {
  const { rows } = await db.query<ModelVersionRow>(
    sql`SELECT ${versionColumns} FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id WHERE m.name = ${model} ORDER BY v.version DESC`,
  );
  if (rows.length) return rows;
  const exists = await db.query(sql`SELECT 1 FROM registry.models WHERE name = ${model}`);
  return exists.rowCount ? [] : undefined;
}

export async function modelProductionVersion(db: Queryable, model: string): Promise<ModelVersionRow | undefined> {
  const { rows } = await db.query<ModelVersionRow>(
    sql`SELECT ${versionColumns} FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id
         WHERE m.name = ${model} AND v.status = 'production'`,
  );
  return rows[0];
}
