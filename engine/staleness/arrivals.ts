// Counting arrivals: an ingest path tells the engine how many rows of each partition it landed,
// from which origin (a device), inside the transaction that lands them: one append to
// ops.arrival_log through bronze.record_arrivals (the ingest role's only way into ops). Folding the
// log into per-partition totals is done apart, now and then, off the ingest path.
import type { Queryable } from '../../lib/db/pool.ts';

/** Rows of one partition from one origin, landed in the current transaction. */
export interface Arrival {
  partition: string;
  origin: string;
  items: number;
}

export async function recordArrivals(db: Queryable, source: string, arrivals: Arrival[]): Promise<void> {
  if (!arrivals.length) return;
  await db.query('SELECT bronze.record_arrivals($1, $2::text[], $3::text[], $4::bigint[])', [
    source,
    arrivals.map((a) => a.partition),
    arrivals.map((a) => a.origin),
    arrivals.map((a) => a.items),
  ]);
}

/** Moves the arrival log into the per-origin counts and per-partition totals; returns how many partitions it folded (0 when another fold is going). */
export async function foldArrivals(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ folded: number }>('SELECT bronze.fold_arrivals() AS folded');
  return rows[0]!.folded;
}
