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
  aliases: string[];
  artifact: { uri: string; sizeBytes: number; sha256: string; format: string | null } | null;
}

/** The columns of a ModelVersionRow, selected from registry.model_versions as v. */
export const versionColumns = raw(`v.id, v.model_id AS "modelId", v.version, v.status, v.training_run_id AS "trainingRunId",
  v.created_at AS "createdAt", v.promoted_at AS "promotedAt", v.gate, cardinality(v.feature_names) AS features, v.classes,
  ARRAY(SELECT a.alias FROM registry.model_aliases a WHERE a.model_version_id = v.id ORDER BY a.alias) AS aliases,
  CASE WHEN v.artifact_key IS NULL THEN NULL
       ELSE jsonb_build_object('uri', v.artifact_uri, 'sizeBytes', v.artifact_size, 'sha256', v.artifact_sha256, 'format', v.artifact_format) END AS artifact`);

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

/** A version by number, "production", "latest" or alias. */
export async function resolveVersion(db: Queryable, model: string, ref: string): Promise<ModelVersionRow | undefined> {
  const number = /^\d+$/.test(ref) ? Number(ref) : null;
  const { rows } = await db.query<ModelVersionRow>(sql`
    SELECT ${versionColumns} FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id
     WHERE m.name = ${model} AND CASE
       WHEN ${number}::int IS NOT NULL THEN v.version = ${number}
       WHEN ${ref} = 'production' THEN v.status = 'production'
       WHEN ${ref} = 'latest' THEN v.version = (SELECT max(version) FROM registry.model_versions WHERE model_id = m.id)
       ELSE v.id = (SELECT a.model_version_id FROM registry.model_aliases a WHERE a.model_id = m.id AND a.alias = ${ref}) END`);
  return rows[0];
}

export interface VersionProvenance {
  metrics: Record<string, number>;
  dataset: { name: string; version: number; sha256: string | null } | null;
}

/** A version's headline metrics (no label, step or epoch) and the dataset version it was trained on. */
export async function versionProvenance(db: Queryable, trainingRunId: number | null): Promise<VersionProvenance> {
  if (trainingRunId === null) return { metrics: {}, dataset: null };
  const [metrics, dataset] = await Promise.all([
    db.query<{ name: string; value: number }>(sql`
      SELECT DISTINCT ON (name) name, value FROM registry.metrics
       WHERE training_run_id = ${trainingRunId} AND label IS NULL AND step IS NULL AND epoch IS NULL AND value IS NOT NULL
       ORDER BY name, id DESC`),
    db.query<{ name: string; version: number; sha256: string | null }>(sql`
      SELECT d.name, dv.version, dv.sha256 FROM registry.training_runs r
        JOIN registry.dataset_versions dv ON dv.id = r.dataset_version_id JOIN registry.datasets d ON d.id = dv.dataset_id
       WHERE r.id = ${trainingRunId}`),
  ]);
  return { metrics: Object.fromEntries(metrics.rows.map((m) => [m.name, m.value])), dataset: dataset.rows[0] ?? null };
}

export async function insertModel(
  db: Queryable,
  m: { name: string; task: string; algorithm: string; description?: string; createdBy: string },
): Promise<ModelRow | undefined> {
  const { rows } = await db.query<ModelRow>(sql`
    INSERT INTO registry.models (name, task, algorithm, description, created_by)
    VALUES (${m.name}, ${m.task}, ${m.algorithm}, ${m.description ?? null}, ${m.createdBy})
    ON CONFLICT (name) DO NOTHING
    RETURNING id, name, task, algorithm, description, created_at AS "createdAt", 0 AS versions`);
  return rows[0];
}
