// Model registry access shared by the pipeline steps and the API: the production version of a
// model with its forest (from object storage, or inline for versions made before artifacts moved
// there), and a cache that reloads it when production changes.
import { RandomForestClassifier, type SerialisedClassifier } from '../../../lib/forest/index.ts';
import type { Pool } from '../../../lib/db/pool.ts';
import type { ObjectStorage } from '../../../lib/storage/index.ts';
import { readJsonArtifact } from '../artifacts.ts';

export interface LoadedModel {
  modelVersionId: number;
  model: string;
  version: number;
  featureNames: string[];
  classes: string[];
  forest: RandomForestClassifier;
}

export class NoProductionModelError extends Error {
  override name = 'NoProductionModelError';
}

export async function productionVersionId(pool: Pool, model: string): Promise<number | null> {
  const { rows } = await pool.query(
    `SELECT v.id FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id
      WHERE m.name = $1 AND v.status = 'production'`,
    [model],
  );
  return rows.length ? Number(rows[0].id) : null;
}

export async function loadModelVersion(pool: Pool, modelVersionId: number, storage?: ObjectStorage): Promise<LoadedModel> {
  const { rows } = await pool.query(
    `SELECT v.id, m.name, v.version, v.feature_names, v.classes, v.artifact, v.artifact_key, v.artifact_sha256
       FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id WHERE v.id = $1`,
    [modelVersionId],
  );
  if (!rows.length) throw new Error(`model version ${modelVersionId} does not exist`);
  const r = rows[0];
  if (r.artifact_key && !storage) throw new Error(`model version ${modelVersionId} keeps its artifact in object storage, which is not configured here`);
  return {
    modelVersionId: Number(r.id),
    model: r.name,
    version: r.version,
    featureNames: r.feature_names,
    classes: r.classes,
    forest: RandomForestClassifier.fromJSON(
      r.artifact_key ? await readJsonArtifact<SerialisedClassifier>(storage!, r.artifact_key, r.artifact_sha256) : (r.artifact as SerialisedClassifier),
    ),
  };
}

/**
 * The production model of one name, kept in memory. Every `recheckMs` the next caller asks the
 * database which version is in production (one indexed lookup) and reloads only when it changed.
 */
export class ProductionModelCache {
  private loaded: LoadedModel | null = null;
  private checkedAt = 0;
  private pending: Promise<LoadedModel> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly model: string,
    private readonly storage?: ObjectStorage,
    private readonly recheckMs = 5_000,
  ) {}

  async get(): Promise<LoadedModel> {
    if (this.loaded && Date.now() - this.checkedAt < this.recheckMs) return this.loaded;
    // Concurrent callers share one lookup (and one reload).
    this.pending ??= this.refresh().finally(() => (this.pending = null));
    return this.pending;
  }

  private async refresh(): Promise<LoadedModel> {
    const id = await productionVersionId(this.pool, this.model);
    if (id === null) throw new NoProductionModelError(`model "${this.model}" has no production version yet`);
    if (this.loaded?.modelVersionId !== id) this.loaded = await loadModelVersion(this.pool, id, this.storage);
    this.checkedAt = Date.now();
    return this.loaded;
  }
}
