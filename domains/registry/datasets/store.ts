// Storing a dataset version: the file streams into object storage under a staging key while it is
// checked and profiled (CSV) or, once stored, read back by ranges (Parquet); a bad or oversized
// file leaves nothing. The SHA-256 of the bytes names the version: the same bytes uploaded again
// are the version already recorded, and the object moves to datasets/<name>/<sha256>.<format>.
import { randomUUID } from 'node:crypto';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CsvProfiler } from '../../../lib/datasets/csv.ts';
import { profileParquet, rangeReader } from '../../../lib/datasets/parquet.ts';
import type { TableProfile } from '../../../lib/datasets/profile.ts';
import { withTransaction, type Pool } from '../../../lib/db/pool.ts';
import type { ObjectInfo, ObjectStorage } from '../../../lib/storage/index.ts';
import { insertDatasetVersion, lockDataset, versionWithHash } from '../sql/datasets.ts';

export type DatasetFormat = 'csv' | 'parquet';

export class DatasetDeleted extends Error {
  override name = 'DatasetDeleted';
}

export interface StoreRequest {
  name: string;
  format: DatasetFormat;
  body: Readable;
  /** An API key id, or the pipeline run that snapshotted the data. */
  createdBy: string;
  maxBytes?: number;
  description?: string;
  /** 'upload', or the table a snapshot was taken from. */
  source?: string;
  partitions?: string[];
  classCounts?: Record<string, number>;
}

export interface StoredVersion {
  id: number;
  version: number;
  sha256: string;
  /** False when the same bytes were already a version of this dataset. */
  created: boolean;
}

/** A stored object read through ranged GETs, as hyparquet wants it. */
export function storedFile(storage: ObjectStorage, key: string, size: number) {
  return rangeReader(size, async (start, end) => buffer(await storage.get(key, { start, end })));
}

async function stage(storage: ObjectStorage, request: StoreRequest): Promise<{ info: ObjectInfo; profile: TableProfile; key: string }> {
  const key = `staging/${randomUUID()}.${request.format}`;
  if (request.format === 'csv') {
    const profiler = new CsvProfiler();
    // Errors in either direction tear both down; put() leaves nothing stored when its source fails.
    const source = pipeline(request.body, profiler, () => {});
    const info = await storage.put(key, source, { maxBytes: request.maxBytes, contentType: 'text/csv' });
    return { info, profile: profiler.profile!, key };
  }
  const info = await storage.put(key, request.body, { maxBytes: request.maxBytes, contentType: 'application/vnd.apache.parquet' });
  try {
    return { info, profile: await profileParquet(storedFile(storage, key, info.size)), key };
  } catch (e) {
    await storage.delete(key);
    throw e;
  }
}

/** Stores the file and records its version (or finds the version these bytes already are). */
export async function storeDatasetVersion(storage: ObjectStorage, pool: Pool, request: StoreRequest): Promise<StoredVersion> {
  const staged = await stage(storage, request);
  const sha256 = staged.info.sha256!;
  const finalKey = `datasets/${request.name}/${sha256}.${request.format}`;
  let moved = false;
  try {
    return await withTransaction(pool, async (client) => {
      const dataset = await lockDataset(client, request.name, request.createdBy, request.description);
      if (dataset.deletedAt)
        throw new DatasetDeleted(`dataset ${request.name} is deleted; restore it (POST /v1/datasets/${request.name}/restore) or use another name`);
      const existing = await versionWithHash(client, dataset.id, sha256);
      if (existing !== undefined) {
        const { rows } = await client.query<{ version: number }>('SELECT version FROM registry.dataset_versions WHERE id = $1', [existing]);
        return { id: existing, version: rows[0]!.version, sha256, created: false };
      }
      const info = await storage.move(staged.key, finalKey);
      moved = true;
      const profile = staged.profile;
      const id = await insertDatasetVersion(client, {
        datasetId: dataset.id,
        sha256,
        format: request.format,
        objectKey: finalKey,
        objectUri: storage.uri(finalKey),
        sizeBytes: info.size,
        rows: profile.rows,
        columns: profile.stats(),
        preview: profile.preview,
        source: request.source ?? 'upload',
        partitions: request.partitions,
        classCounts: request.classCounts,
        createdBy: request.createdBy,
      });
      const { rows } = await client.query<{ version: number }>('SELECT version FROM registry.dataset_versions WHERE id = $1', [id]);
      return { id, version: rows[0]!.version, sha256, created: true };
    });
  } catch (e) {
    // The object is this version's only when the record was written; otherwise it goes.
    if (moved) await storage.delete(finalKey).catch(() => {});
    throw e;
  } finally {
    await storage.delete(staged.key).catch(() => {});
  }
}
