// Loss and duplication as set comparisons: the batches a client was told are stored (its own
// record) against the batches bronze holds, each of which must hold its readings exactly once.
import type { Pool } from '../../lib/db/pool.ts';

export interface BronzeBatch {
  rows: number;
  /** Distinct reading timestamps: a batch stored twice has rows = 2 × distinct. */
  distinct: number;
}

/** Bronze's readings per `deviceId/batchId`, for batch ids matching a LIKE pattern. */
export async function bronzeBatches(owner: Pool, batchIdLike: string): Promise<Map<string, BronzeBatch>> {
  const { rows } = await owner.query(
    `SELECT device_id || '/' || batch_id AS key, count(*)::int AS rows, count(DISTINCT ts)::int AS distinct
       FROM bronze.imu_readings WHERE batch_id LIKE $1 GROUP BY 1`,
    [batchIdLike],
  );
  return new Map(rows.map((r) => [r.key as string, { rows: r.rows as number, distinct: r.distinct as number }]));
}

export interface DeliveryComparison {
  acknowledged: number;
  inBronze: number;
  /** Acknowledged batches missing from bronze, or holding fewer readings than sent. */
  lostBatches: string[];
  rowsLost: number;
  /** Readings stored more than once (in any batch, acknowledged or not). */
  rowsDuplicated: number;
  /** Batches in bronze the client never saw acknowledged (committed, answer lost or never read). */
  unacknowledgedInBronze: string[];
}

export function compareDeliveries(acknowledged: Iterable<string>, bronze: Map<string, BronzeBatch>, readingsPerBatch: number): DeliveryComparison {
  const acked = new Set(acknowledged);
  const lostBatches: string[] = [];
  let rowsLost = 0;
  for (const key of acked) {
    const stored = bronze.get(key)?.distinct ?? 0;
    if (stored < readingsPerBatch) {
      lostBatches.push(key);
      rowsLost += readingsPerBatch - stored;
    }
  }
  let rowsDuplicated = 0;
  for (const b of bronze.values()) rowsDuplicated += b.rows - b.distinct;
  return {
    acknowledged: acked.size,
    inBronze: bronze.size,
    lostBatches,
    rowsLost,
    rowsDuplicated,
    unacknowledgedInBronze: [...bronze.keys()].filter((k) => !acked.has(k)),
  };
}
