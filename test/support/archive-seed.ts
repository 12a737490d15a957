// Days of bronze segments for retention tests: lean (real[]) and full-precision (float8[])
// segments, microsecond timestamps, NaN, NULL channels and NULL elements, as devices and repairs
// leave them; and a digest of a day's rows independent of the archive code.
import type { Pool } from 'pg';

/** `batches` segments of `readings` readings on `day` (its partition made first). */
export async function seedSegments(pool: Pool, day: string, batches: number, readings: number): Promise<void> {
  await pool.query('SELECT bronze.ensure_imu_partition($1::date)', [day]);
  await pool.query(
    `INSERT INTO bronze.imu_segments (day, device_id, batch_id, session_id, received_at, ms, ax, ay, az, gx, gy, gz, mx, my, mz,
                                      ax8, ay8, az8, gx8, gy8, gz8, mx8, my8, mz8)
     SELECT $1::date, 'wrist-' || (b % 7), format('b-%s-%s', $1, b), CASE WHEN b % 3 = 0 THEN NULL ELSE 's-' || (b / 10) END,
            ($1::date::timestamp AT TIME ZONE 'UTC') + b * interval '1.000123 second', a.ms,
            CASE WHEN lean THEN a.r1 END, CASE WHEN lean THEN a.r2 END, CASE WHEN lean THEN a.r1 END,
            CASE WHEN lean THEN a.r2 END, CASE WHEN lean THEN a.r1 END, CASE WHEN lean THEN a.r2 END,
            CASE WHEN lean AND b % 4 <> 0 THEN a.r2 END, CASE WHEN lean AND b % 4 <> 0 THEN a.r1 END, CASE WHEN lean AND b % 4 <> 0 THEN a.r2 END,
            CASE WHEN NOT lean THEN a.d1 END, CASE WHEN NOT lean THEN a.d2 END, CASE WHEN NOT lean THEN a.d1 END,
            CASE WHEN NOT lean THEN a.d2 END, CASE WHEN NOT lean THEN a.d1 END, CASE WHEN NOT lean THEN a.d2 END,
            CASE WHEN NOT lean THEN a.d2 END, NULL, CASE WHEN NOT lean THEN a.d1 END
       FROM generate_series(0, $2::int - 1) AS b
      CROSS JOIN LATERAL (SELECT b % 5 <> 0 AS lean) AS l
      CROSS JOIN LATERAL (
        SELECT array_agg(((b / 7) * $3::int + i) * 20 ORDER BY i) AS ms, -- each device's batches one after another, at 50 Hz
               array_agg(round((sin(i + b) * 9.81)::numeric, 3)::real ORDER BY i) AS r1,
               array_agg(CASE WHEN b % 7 = 0 AND i = 3 THEN NULL ELSE round(cos(i * 1.3 + b)::numeric, 2)::real END ORDER BY i) AS r2,
               array_agg(sin(i * 0.7 + b) * 9.81 ORDER BY i) AS d1,
               array_agg(CASE WHEN i % 50 = 7 THEN 'NaN'::float8 WHEN i = 1 THEN '-0'::float8 ELSE cos(i + b) / 3 END ORDER BY i) AS d2
          FROM generate_series(0, $3::int - 1) AS i) AS a`,
    [day, batches, readings],
  );
}

/** Segments, readings and an MD5 of every row's text in order: equal only for identical rows. */
export async function dayDigest(pool: Pool, day: string): Promise<{ segments: number; readings: number; md5: string | null }> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS segments, coalesce(sum(cardinality(ms)), 0)::int AS readings, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5
       FROM bronze.imu_segments t WHERE day = $1`,
    [day],
  );
  return rows[0];
}

export async function partitionExists(pool: Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  return rows[0].exists;
}
