// Replaces one day partition of a day-partitioned table by a swap (migrations/0076): the rows are
// COPYed into a fresh table staged for the day, which at the end of the caller's transaction takes
// the old partition's place. Cheaper than a delete and a COPY when a day is re-run (bench/day-swap.ts).
import { copyBatches, type CopyOptions, type CopyTarget } from './copy.ts';
import type { PoolClient } from './pool.ts';
import type { CopyRow } from './copy-format.ts';

export interface SwappedTable extends CopyTarget {
  /** SQL function (day date) → the staged table's name, e.g. silver.stage_imu_windows_day. */
  stage: string;
  /** SQL function (day date) → 'swapped' | 'replaced', e.g. silver.swap_imu_windows_day. */
  swap: string;
}

/**
 * Stages the day (taking the same advisory lock as a partition replace) and COPYs the rows into it,
 * on a client inside a transaction; the old partition is untouched until swapDay. Returns the row count.
 */
export async function stageDay(
  client: PoolClient,
  target: SwappedTable,
  day: string,
  batches: Iterable<readonly CopyRow[]> | AsyncIterable<readonly CopyRow[]>,
  options: CopyOptions = {},
): Promise<number> {
  const { rows } = await client.query<{ staging: string }>(`SELECT ${target.stage}($1::date) AS staging`, [day]);
  return copyBatches(client, { table: rows[0]!.staging, columns: target.columns }, batches, options);
}

/**
 * Puts the staged day in place of the old partition, in the same transaction: call it last, just
 * before COMMIT, since a swap holds the table's exclusive lock until then. 'replaced' when it fell
 * back to a delete and insert (a reader held the table too long, or the day had no partition).
 */
export async function swapDay(client: PoolClient, target: SwappedTable, day: string): Promise<'swapped' | 'replaced'> {
  const { rows } = await client.query<{ how: 'swapped' | 'replaced' }>(`SELECT ${target.swap}($1::date) AS how`, [day]);
  return rows[0]!.how;
}
