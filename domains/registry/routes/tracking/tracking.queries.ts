// The tracking API's SQL: runs recorded by code outside Refinery (a notebook, a training script in
// another language), their parameters, metrics, tags and artifacts, and their end.
import sql from 'sql-template-tag';
import { withTransaction, type Pool, type Queryable } from '../../../../lib/db/pool.ts';
import { insertMetrics, type MetricRecord } from '../../sql/training.ts';

export class TrackingRefused extends Error {
  override name = 'TrackingRefused';
  constructor(
    readonly status: 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface TrackedRun {
  id: number;
  modelId: number;
  model: string;
  status: string;
  source: string;
}

export async function trackedRun(db: Queryable, id: number, options: { running?: boolean } = {}): Promise<TrackedRun> {
  const { rows } = await db.query<TrackedRun>(sql`
    SELECT r.id, r.model_id AS "modelId", m.name AS model, r.status, r.source FROM registry.training_runs r JOIN registry.models m ON m.id = r.model_id
     WHERE r.id = ${id}`);
  const run = rows[0];
  if (!run) throw new TrackingRefused(404, `no training run ${id}`);
  if (run.source !== 'tracking') throw new TrackingRefused(409, `training run ${id} belongs to a pipeline run; only runs made through /v1/tracking take logs`);
  if (options.running && run.status !== 'running') throw new TrackingRefused(409, `training run ${id} has finished (${run.status})`);
  return run;
}

export interface NewTrackedRun {
  model: string;
  task: 'classification' | 'regression' | 'other';
  name?: string;
  experiment?: string;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  datasetVersionId?: number;
  createdBy: string;
}

export async function createTrackedRun(pool: Pool, r: NewTrackedRun): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query(sql`
      INSERT INTO registry.models (name, task, algorithm, description, created_by)
      VALUES (${r.model}, ${r.task}, 'recorded through the tracking API', NULL, ${r.createdBy}) ON CONFLICT (name) DO NOTHING`);
    const { rows } = await client.query<{ id: number }>(sql`
      INSERT INTO registry.training_runs (model_id, status, source, name, created_by, dataset_version_id)
      SELECT id, 'running', 'tracking', ${r.name ?? null}, ${r.createdBy}, ${r.datasetVersionId ?? null} FROM registry.models WHERE name = ${r.model}
      RETURNING id`);
    const id = rows[0]!.id;
    await logParams(client, id, r.params);
    await setTags(client, id, r.tags);
    if (r.experiment) {
      const e = await client.query<{ id: number }>(sql`
        INSERT INTO registry.experiments (name) VALUES (${r.experiment}) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`);
      await client.query(sql`INSERT INTO registry.experiment_runs (experiment_id, training_run_id, note) VALUES (${e.rows[0]!.id}, ${id}, ${r.name ?? null})`);
    }
    return id;
  });
}

/** Parameters are set once: the same value again is fine, a different one is refused (as MLflow does). */
export async function logParams(db: Queryable, runId: number, params: Record<string, unknown>): Promise<void> {
  for (const [name, value] of Object.entries(params)) {
    const { rows } = await db.query<{ same: boolean }>(sql`
      INSERT INTO registry.hyperparameters (training_run_id, name, value) VALUES (${runId}, ${name}, ${JSON.stringify(value)})
      ON CONFLICT (training_run_id, name) DO UPDATE SET value = registry.hyperparameters.value
      RETURNING value = ${JSON.stringify(value)}::jsonb AS same`);
    if (!rows[0]!.same) throw new TrackingRefused(409, `parameter ${name} of run ${runId} is already set to another value`, `params.${name}`);
  }
}

export async function setTags(db: Queryable, runId: number, tags: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(tags)) {
    await db.query(sql`
      INSERT INTO registry.run_tags (training_run_id, name, value) VALUES (${runId}, ${name}, ${value})
      ON CONFLICT (training_run_id, name) DO UPDATE SET value = EXCLUDED.value`);
  }
}

export async function logMetrics(pool: Pool, runId: number, metrics: (MetricRecord & { timestamp?: string })[]): Promise<void> {
  await withTransaction(pool, async (client) => {
    await insertMetrics(client, runId, metrics);
    // The time the training code measured each value, when it said.
    for (const m of metrics.filter((x) => x.timestamp)) {
      await client.query(sql`
        UPDATE registry.metrics SET logged_at = ${m.timestamp}
         WHERE id = (SELECT max(id) FROM registry.metrics WHERE training_run_id = ${runId} AND name = ${m.name}
                       AND step IS NOT DISTINCT FROM ${m.step ?? null} AND epoch IS NOT DISTINCT FROM ${m.epoch ?? null})`);
    }
  });
}

export async function finishRun(db: Queryable, runId: number, status: 'succeeded' | 'failed' | 'killed', error?: string): Promise<void> {
  const result = await db.query(sql`
    UPDATE registry.training_runs SET status = ${status}, ended_at = now(), error = ${error ?? null} WHERE id = ${runId} AND status = 'running'`);
  if (!result.rowCount) throw new TrackingRefused(409, `training run ${runId} has already finished`);
}

export async function recordArtifact(
  db: Queryable,
  a: { runId: number; path: string; key: string; uri: string; size: number; sha256: string; contentType: string | null },
): Promise<void> {
  await db.query(sql`
    INSERT INTO registry.run_artifacts (training_run_id, path, object_key, object_uri, size_bytes, sha256, content_type)
    VALUES (${a.runId}, ${a.path}, ${a.key}, ${a.uri}, ${a.size}, ${a.sha256}, ${a.contentType})
    ON CONFLICT (training_run_id, path) DO UPDATE SET object_key = EXCLUDED.object_key, object_uri = EXCLUDED.object_uri,
      size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, content_type = EXCLUDED.content_type, created_at = now()`);
}

export async function findArtifact(
  db: Queryable,
  runId: number,
  path: string,
): Promise<{ key: string; uri: string; size: number; sha256: string } | undefined> {
  const { rows } = await db.query<{ key: string; uri: string; size: number; sha256: string }>(sql`
    SELECT object_key AS key, object_uri AS uri, size_bytes AS size, sha256 FROM registry.run_artifacts WHERE training_run_id = ${runId} AND path = ${path}`);
  return rows[0];
}

/** A candidate version of the run's model whose artifact is one the run logged. */
export async function registerVersion(
  pool: Pool,
  r: { runId: number; modelId: number; artifactPath: string; featureNames: string[]; classes: string[] | null; format: string | null; createdBy: string },
): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query(
      sql`SELECT pg_advisory_xact_lock(hashtextextended('registry.versions|' || (SELECT name FROM registry.models WHERE id = ${r.modelId}), 0))`,
    );
    const artifact = await findArtifact(client, r.runId, r.artifactPath);
    if (!artifact) throw new TrackingRefused(404, `run ${r.runId} logged no artifact ${r.artifactPath}`, 'artifactPath');
    const existing = await client.query(sql`SELECT 1 FROM registry.model_versions WHERE training_run_id = ${r.runId}`);
    if (existing.rowCount) throw new TrackingRefused(409, `run ${r.runId} already has a model version`);
    const { rows } = await client.query<{ version: number }>(sql`
      INSERT INTO registry.model_versions (model_id, version, training_run_id, status, artifact_key, artifact_uri, artifact_size, artifact_sha256,
                                           artifact_format, feature_names, classes, created_by)
      VALUES (${r.modelId}, (SELECT coalesce(max(version), 0) + 1 FROM registry.model_versions WHERE model_id = ${r.modelId}), ${r.runId}, 'candidate',
              ${artifact.key}, ${artifact.uri}, ${artifact.size}, ${artifact.sha256}, ${r.format}, ${r.featureNames}, ${r.classes}, ${r.createdBy})
      RETURNING version`);
    return rows[0]!.version;
  });
}
