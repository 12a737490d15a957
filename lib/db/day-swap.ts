// Writes one day partition of a day-partitioned table, by a swap where that is cheaper
// (migrations/0084, bench/day-swap.ts): the rows are COPYed into a fresh table staged for the day,
// which at the end of the caller's transaction takes the old partition's place. A day whose old
// partition is small is replaced in place by a delete and a COPY, as lib/db/copy.ts does.
import { copyBatches, replacePartitionIn, type CopyOptions, type CopyTarget } from './copy.ts';
import type { CopyRow } from './copy-format.ts';
import type { PoolClient } from './pool.ts';

export interface SwappedTable extends CopyTarget {
  /** The partition key, a date column, e.g. partition_date. */
  key: string;
  /** SQL function (day date, min_bytes bigint) → the staged table's name, or NULL: replace in place. */
  stage: string;
  /** SQL function (day date) → 'swapped' | 'replaced', e.g. silver.swap_imu_windows_day. */
  swap: string;
}

export interface WrittenDay {
  rows: number;
  /**
   * Puts the day in place: call it last, just before COMMIT, since a swap holds the table's exclusive
   * lock until then. 'replaced' when the day was written in place (small, or a reader held the table
   * too long for the swap, or the day had no partition of its own).
   */
  finish(): Promise<'swapped' | 'replaced'>;
}

/**
 * Writes the day's rows on a client inside a transaction: staged for a swap when the day's old
 * partition holds at least `swapFromBytes` (undefined: the table's own threshold), else in place.
 */
export async function writeDay(
  client: PoolClient,
  target: SwappedTable,
  day: string,
  batches: Iterable<readonly CopyRow[]> | AsyncIterable<readonly CopyRow[]>,
  { swapFromBytes, ...options }: CopyOptions & { swapFromBytes?: number } = {},
): Promise<WrittenDay> {
  const { rows: staged } = await client.query<{ staging: string | null }>(
    swapFromBytes === undefined ? `SELECT ${target.stage}($1::date) AS staging` : `SELECT ${target.stage}($1::date, $2) AS staging`,
    swapFromBytes === undefined ? [day] : [day, swapFromBytes],
  );
  const staging = staged[0]!.staging;
  if (staging === null) {
    const { inserted } = await replacePartitionIn(client, target, { [target.key]: day }, { batches }, options);
    return { rows: inserted, finish: () => Promise.resolve('replaced') };
  }
  const rows = await copyBatches(client, { table: staging, columns: target.columns }, batches, options);
  return {
    rows,
    finish: async () => {
      const { rows: how } = await client.query<{ how: 'swapped' | 'replaced' }>(`SELECT ${target.swap}($1::date) AS how`, [day]);
      return how[0]!.how;
    },
  };
}
