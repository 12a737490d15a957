// The end of a deleted dataset's retention: its files leave object storage; its versions stay in
// the registry (hash, size, statistics, purged_at), so training runs keep saying what they used.
import type { Pool } from '../../../lib/db/pool.ts';
import type { ObjectStorage } from '../../../lib/storage/index.ts';
import { markVersionPurged, versionsToPurge } from '../sql/datasets.ts';

/** Purges every version whose dataset's retention ran out by asOf; returns how many. */
export async function purgeDeletedDatasets(storage: ObjectStorage, pool: Pool, asOf: Date): Promise<number> {
  const due = await versionsToPurge(pool, asOf);
  for (const v of due) {
    await storage.delete(v.objectKey);
    await markVersionPurged(pool, v.id);
  }
  return due.length;
}
