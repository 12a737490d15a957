// Reading silver IMU windows' feature vectors with COPY out: float8[] arrives as "{1.5,NaN,...}",
// parsed straight into one row-major Float64Array.
import pg from 'pg';
import { copyOutRows } from '../../../lib/db/copy-out.ts';
import type { PoolClient } from '../../../lib/db/pool.ts';

export function parseFloatArray(text: string, into: Float64Array, offset: number, expected: number): void {
  const inner = text.slice(1, -1);
  let start = 0;
  let k = 0;
  for (let i = 0; i <= inner.length; i++) {
    if (i === inner.length || inner.charCodeAt(i) === 44 /* , */) {
      if (k >= expected) throw new Error(`a feature vector has more than ${expected} values`);
      into[offset + k++] = Number(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (k !== expected) throw new Error(`a feature vector has ${k} values, expected ${expected}`);
}

export interface WindowRow {
  partition: string;
  deviceId: string;
  windowIndex: number;
  sessionId: string | null;
  startTs: string;
  endTs: string;
  label: string | null;
}

/** Windows of the given days (with their session labels where known), features into one matrix. */
export async function readWindows(
  client: PoolClient,
  days: string[],
  features: number,
  options: { labelledOnly?: boolean } = {},
): Promise<{ rows: WindowRow[]; x: Float64Array }> {
  const list = days.map((d) => pg.escapeLiteral(d)).join(',');
  const query = `SELECT w.partition_date::text, w.device_id, w.window_index, w.session_id, w.start_ts, w.end_ts, s.exercise, w.features
                   FROM silver.imu_windows w
                   ${options.labelledOnly ? 'JOIN' : 'LEFT JOIN'} silver.exercise_sessions s
                     ON s.partition_date = w.partition_date AND s.device_id = w.device_id AND s.session_id = w.session_id
                  WHERE w.partition_date IN (${list}) ${options.labelledOnly ? 'AND s.exercise IS NOT NULL' : ''}
                  ORDER BY w.partition_date, w.device_id, w.window_index`;
  const rows: WindowRow[] = [];
  let x = new Float64Array(1024 * features);
  for await (const f of copyOutRows(client, query)) {
    if ((rows.length + 1) * features > x.length) {
      const bigger = new Float64Array(x.length * 2);
      bigger.set(x);
      x = bigger;
    }
    parseFloatArray(f[7]!, x, rows.length * features, features);
    rows.push({ partition: f[0]!, deviceId: f[1]!, windowIndex: Number(f[2]), sessionId: f[3], startTs: f[4]!, endTs: f[5]!, label: f[6] });
  }
  return { rows, x: x.subarray(0, rows.length * features) };
}
