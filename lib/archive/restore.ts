// Restoring archived days for a backfill: each day's object verified as it is read (bytes, rows,
// row digest), its rows copied into an empty partition, and the partition's checksum compared with
// the one taken before the drop, in one transaction per day, recorded in the manifest.
import { copyRows } from '../db/copy.ts';
import { withTransaction } from '../db/pool.ts';
import { manifest, readVerified, setState, type ArchiveDeps } from './archive.ts';
import { copyValues } from './parquet.ts';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

/** What a restore did for one day. */
export interface RestoreOutcome {
  day: string;
  outcome: 'restored' | 'hot' | 'restored already';
  rows?: number;
}

/**
 * Brings archived days back into their partitions: each object verified as it is read, the rows
 * copied into an empty partition, and the partition's checksum compared with the one taken before
 * the drop, all in one transaction per day (a mismatch leaves nothing behind).
 */
export async function restoreDays(deps: ArchiveDeps, table: string, days: readonly string[]): Promise<RestoreOutcome[]> {
  const outcomes: RestoreOutcome[] = [];
  for (const day of days) {
    const m = await manifest(deps.pool, table, day);
    if (m?.state === 'restored') {
      outcomes.push({ day, outcome: 'restored already', rows: Number(m.rows) });
      continue;
    }
    if (m?.state !== 'dropped') {
      outcomes.push({ day, outcome: 'hot' });
      continue;
    }
    const check = await readVerified(deps.pool, deps.storage, table, m);
    if (!check.ok) throw new RestoreError(`${table} ${day}: the archive does not verify, nothing restored for this day: ${check.reason}`);
    deps.progress?.(`${table} ${day}: restoring ${check.rows.length} rows`);
    await withTransaction(deps.pool, async (client) => {
      // Not while a retention run works on the day (it holds the same lock), and only if still archived.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('archive ' || $1), $2::date - date '2000-01-01')`, [table, day]);
      const { rows: still } = await client.query<{ state: string }>('SELECT state FROM ops.partition_archives WHERE table_name = $1 AND day = $2 FOR UPDATE', [
        table,
        day,
      ]);
      if (still[0]?.state !== 'dropped')
        throw new RestoreError(`${table} ${day}: changed while restoring (now ${still[0]?.state ?? 'not archived'}); run the restore again`);
      await client.query('SELECT ops.ensure_retained_day($1, $2)', [table, day]);
      const before = await client.query<{ rows: string }>('SELECT rows FROM ops.day_checksum($1, $2)', [table, day]);
      if (Number(before.rows[0]!.rows) > 0) {
        throw new RestoreError(
          `${table} ${day}: the partition holds ${before.rows[0]!.rows} rows that arrived after the archive; nothing restored for this day`,
        );
      }
      const { columns, rows } = check;
      await copyRows(
        client,
        { table, columns: columns.map((c) => c.name) },
        rows.map((r) => copyValues(columns, r)),
      );
      const after = await client.query<{ rows: string; checksum: string }>('SELECT rows, checksum FROM ops.day_checksum($1, $2)', [table, day]);
      if (after.rows[0]!.rows !== m.rows || after.rows[0]!.checksum !== m.checksum) {
        throw new RestoreError(
          `${table} ${day}: the restored rows differ from those archived (${after.rows[0]!.rows} rows, checksum ${after.rows[0]!.checksum}); nothing restored`,
        );
      }
      await setState(client, table, day, 'restored');
    });
    outcomes.push({ day, outcome: 'restored', rows: Number(m.rows) });
  }
  return outcomes;
}
