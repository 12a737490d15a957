// Which archived days a run over a range would need: the days dropped from PostgreSQL of the
// tables with a retention policy that the pipeline reads, directly or through a view (bronze
// readings are a view over bronze.imu_segments), and does not write itself.
import type { Queryable } from '../db/pool.ts';
import { ArchivedRangeError } from './policy.ts';

export async function archivedInputs(db: Queryable, reads: readonly string[], from: string, to: string): Promise<ArchivedRangeError[]> {
  const { rows } = await db.query<{ table_name: string; days: string[] }>(
    `WITH read AS (SELECT to_regclass(t) AS oid FROM unnest($1::text[]) AS t),
          under AS (
            SELECT p.table_name FROM ops.retention_policies p
             WHERE to_regclass(p.table_name) IN (SELECT oid FROM read)
                OR EXISTS (SELECT 1 FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                            WHERE rw.ev_class IN (SELECT oid FROM read) AND d.refobjid = to_regclass(p.table_name)))
     SELECT a.table_name, array_agg(to_char(a.day, 'YYYY-MM-DD') ORDER BY a.day) AS days
       FROM ops.partition_archives a JOIN under USING (table_name)
      WHERE a.state = 'dropped' AND a.day BETWEEN $2 AND $3
      GROUP BY 1 ORDER BY 1`,
    [reads, from, to],
  );
  return rows.map((r) => new ArchivedRangeError(r.table_name, r.days));
}
