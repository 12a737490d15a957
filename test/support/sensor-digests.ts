// Digests of one sensor day's silver and gold, for comparing two databases: every table's rows of
// the day, ordered by key, hashed in PostgreSQL. Ids that depend on the database (model version
// ids) are left out; what a row says is kept. With `withoutPredictions`, the columns a model decides
// (predicted class, probabilities, confidence, agreement) are left out too: two databases whose
// production models differ still agree on every window, session and count.
import type { Pool } from '../../lib/db/pool.ts';

const TABLES: Record<string, { columns: string; order: string; predicted?: string }> = {
  'silver.imu_windows': {
    columns: 'device_id, session_id, window_index, start_ts, end_ts, samples, sample_rate_hz, features',
    order: 'device_id, window_index',
  },
  'silver.imu_cleaning': {
    columns: 'device_id, readings_in, kept, non_finite, out_of_range, duplicates, magnetometer_cleared, windows',
    order: 'device_id',
  },
  'silver.exercise_sessions': { columns: 'device_id, session_id, exercise, started_at, ended_at', order: 'device_id, session_id' },
  'gold.window_predictions': {
    columns: 'device_id, window_index, session_id, start_ts, end_ts',
    predicted: 'predicted, probability, probabilities',
    order: 'device_id, window_index',
  },
  'gold.session_summaries': {
    columns: 'device_id, session_id, started_at, ended_at, duration_s, windows, label',
    predicted: 'predicted_exercise, confidence, agrees',
    order: 'device_id, session_id',
  },
  'gold.device_daily_activity': {
    columns: 'device_id, readings, windows, sessions, active_minutes',
    predicted: 'minutes_by_exercise, top_exercise',
    order: 'device_id',
  },
};

export async function sensorDayDigests(db: Pool, day: string, { withoutPredictions = false } = {}): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const [table, { columns, order, predicted }] of Object.entries(TABLES)) {
    const selected = predicted && !withoutPredictions ? `${columns}, ${predicted}` : columns;
    const { rows } = await db.query(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY ${order}), '')) AS md5
         FROM (SELECT ${selected} FROM ${table} WHERE partition_date = $1) t`,
      [day],
    );
    out[table] = rows[0];
  }
  return out;
}
