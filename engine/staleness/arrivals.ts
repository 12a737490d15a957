// Counting arrivals: an ingest path tells the engine how many rows of each partition it landed,
// from which origin (a device), inside the transaction that lands them. The rows go through
// bronze.record_arrivals (the ingest role's only way into ops), so one call per transaction.
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
