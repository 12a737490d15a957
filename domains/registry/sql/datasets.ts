// The datasets' SQL, one named function per statement, over registry.datasets (a name, soft
// deletion) and registry.dataset_versions (content-addressed files with their statistics).
import sql from 'sql-template-tag';
import type { Queryable } from '../../../lib/db/pool.ts';
import type { ColumnStats } from '../../../lib/datasets/profile.ts';

export interface DatasetRow {
  id: number;
  name: string;
  description: string | null;
  createdBy: string | null;
  createdAt: Date;
  deletedAt: Date | null;
  deletedBy: string | null;
  purgeAfter: Date | null;
  versions: number;
  latestVersion: number | null;
}

const datasetColumns = sql`d.id, d.name, d.description, d.created_by AS "createdBy", d.created_at AS "createdAt", d.deleted_at AS "deletedAt",
  d.deleted_by AS "deletedBy", d.purge_after AS "purgeAfter",
  (SELECT count(*) FROM registry.dataset_versions v WHERE v.dataset_id = d.id)::int AS versions,
  (SELECT max(version) FROM registry.dataset_versions v WHERE v.dataset_id = d.id) AS "latestVersion"`;

export async function listDatasets(db: Queryable, includeDeleted: boolean): Promise<DatasetRow[]> {
  const { rows } = await db.query<DatasetRow>(
    sql`SELECT ${datasetColumns} FROM registry.datasets d WHERE ${includeDeleted} OR d.deleted_at IS NULL ORDER BY d.name`,
  );
  return rows;
}

export async function findDataset(db: Queryable, name: string): Promise<DatasetRow | undefined> {
  const { rows } = await db.query<DatasetRow>(sql`SELECT ${datasetColumns} FROM registry.datasets d WHERE d.name = ${name}`);
  return rows[0];
}

export interface DatasetVersionRow {
  id: number;
  datasetId: number;
  dataset: string;
  version: number;
  sha256: string | null;
  format: 'csv' | 'parquet' | null;
  objectKey: string | null;
  objectUri: string | null;
  sizeBytes: number | null;
  rows: number;
  columns: ColumnStats[];
  source: string;
  partitions: string[] | null;
  classCounts: Record<string, number> | null;
  createdBy: string | null;
  createdAt: Date;
  purgedAt: Date | null;
}

const versionColumns = sql`v.id, v.dataset_id AS "datasetId", d.name AS dataset, v.version, v.sha256, v.format, v.object_key AS "objectKey",
  v.object_uri AS "objectUri", v.size_bytes AS "sizeBytes", v.rows, v.columns, v.source, v.partitions, v.class_counts AS "classCounts",
  v.created_by AS "createdBy", v.created_at AS "createdAt", v.purged_at AS "purgedAt"`;

export async function datasetVersions(db: Queryable, datasetId: number): Promise<DatasetVersionRow[]> {
  const { rows } = await db.query<DatasetVersionRow>(sql`
    SELECT ${versionColumns} FROM registry.dataset_versions v JOIN registry.datasets d ON d.id = v.dataset_id
     WHERE v.dataset_id = ${datasetId} ORDER BY v.version DESC`);
  return rows;
}

/** One version of a dataset; the latest when version is undefined. */
export async function findDatasetVersion(db: Queryable, name: string, version?: number): Promise<DatasetVersionRow | undefined> {
  const { rows } = await db.query<DatasetVersionRow>(sql`
    SELECT ${versionColumns} FROM registry.dataset_versions v JOIN registry.datasets d ON d.id = v.dataset_id
     WHERE d.name = ${name} AND (${version ?? null}::int IS NULL OR v.version = ${version ?? null})
     ORDER BY v.version DESC LIMIT 1`);
  return rows[0];
}

export async function findDatasetVersionById(db: Queryable, id: number): Promise<DatasetVersionRow | undefined> {
  const { rows } = await db.query<DatasetVersionRow>(sql`
    SELECT ${versionColumns} FROM registry.dataset_versions v JOIN registry.datasets d ON d.id = v.dataset_id WHERE v.id = ${id}`);
  return rows[0];
}

export async function datasetVersionPreview(db: Queryable, id: number): Promise<(string | null)[][]> {
  const { rows } = await db.query<{ preview: (string | null)[][] }>(sql`SELECT preview FROM registry.dataset_versions WHERE id = ${id}`);
  return rows[0]?.preview ?? [];
}

/** The dataset of this name, created when missing; locked for this transaction (versions are numbered under it). */
export async function lockDataset(db: Queryable, name: string, createdBy: string, description?: string): Promise<{ id: number; deletedAt: Date | null }> {
  await db.query(
    sql`INSERT INTO registry.datasets (name, description, created_by) VALUES (${name}, ${description ?? null}, ${createdBy}) ON CONFLICT (name) DO NOTHING`,
  );
  const { rows } = await db.query<{ id: number; deletedAt: Date | null }>(
    sql`SELECT id, deleted_at AS "deletedAt" FROM registry.datasets WHERE name = ${name} FOR UPDATE`,
  );
  return rows[0]!;
}

export async function versionWithHash(db: Queryable, datasetId: number, sha256: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(sql`SELECT id FROM registry.dataset_versions WHERE dataset_id = ${datasetId} AND sha256 = ${sha256}`);
  return rows[0]?.id;
}

export interface NewDatasetVersion {
  datasetId: number;
  sha256: string;
  format: 'csv' | 'parquet';
  objectKey: string;
  objectUri: string;
  sizeBytes: number;
  rows: number;
  columns: ColumnStats[];
  preview: (string | null)[][];
  source: string;
  partitions?: string[];
  classCounts?: Record<string, number>;
  createdBy: string;
}

export async function insertDatasetVersion(db: Queryable, v: NewDatasetVersion): Promise<number> {
  const { rows } = await db.query<{ id: number }>(sql`
    INSERT INTO registry.dataset_versions (dataset_id, version, sha256, format, object_key, object_uri, size_bytes, rows, columns, preview,
                                           source, partitions, class_counts, created_by)
    VALUES (${v.datasetId}, (SELECT coalesce(max(version), 0) + 1 FROM registry.dataset_versions WHERE dataset_id = ${v.datasetId}),
            ${v.sha256}, ${v.format}, ${v.objectKey}, ${v.objectUri}, ${v.sizeBytes}, ${v.rows}, ${JSON.stringify(v.columns)}, ${JSON.stringify(v.preview)},
            ${v.source}, ${v.partitions ?? null}, ${v.classCounts ? JSON.stringify(v.classCounts) : null}, ${v.createdBy})
    RETURNING id`);
  return rows[0]!.id;
}

/** Soft deletion: the dataset stays restorable until purgeAfter; returns false when already deleted or missing. */
export async function markDatasetDeleted(db: Queryable, name: string, by: string, retentionDays: number): Promise<Date | undefined> {
  const { rows } = await db.query<{ purgeAfter: Date }>(sql`
    UPDATE registry.datasets SET deleted_at = now(), deleted_by = ${by}, purge_after = now() + make_interval(days => ${retentionDays})
     WHERE name = ${name} AND deleted_at IS NULL RETURNING purge_after AS "purgeAfter"`);
  return rows[0]?.purgeAfter;
}

/** Undoes a deletion whose objects are still there; returns false when there is nothing to restore. */
export async function restoreDataset(db: Queryable, name: string): Promise<boolean> {
  const result = await db.query(sql`
    UPDATE registry.datasets d SET deleted_at = NULL, deleted_by = NULL, purge_after = NULL
     WHERE name = ${name} AND deleted_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM registry.dataset_versions v WHERE v.dataset_id = d.id AND v.purged_at IS NOT NULL)`);
  return (result.rowCount ?? 0) > 0;
}

/** Versions of deleted datasets whose retention has run out and whose objects are still stored. */
export async function versionsToPurge(db: Queryable, asOf: Date): Promise<{ id: number; objectKey: string }[]> {
  const { rows } = await db.query<{ id: number; objectKey: string }>(sql`
    SELECT v.id, v.object_key AS "objectKey" FROM registry.dataset_versions v JOIN registry.datasets d ON d.id = v.dataset_id
     WHERE d.deleted_at IS NOT NULL AND d.purge_after <= ${asOf} AND v.purged_at IS NULL AND v.object_key IS NOT NULL
     ORDER BY v.id`);
  return rows;
}

export async function markVersionPurged(db: Queryable, id: number): Promise<void> {
  await db.query(sql`UPDATE registry.dataset_versions SET purged_at = now() WHERE id = ${id}`);
}
