// The devices resource's SQL, one named function per statement, over the sensor gold tables.
// Dates come back as YYYY-MM-DD text (a pg date parsed into a JS Date would depend on the
// process's time zone).
import sql, { raw } from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';

export interface DeviceTotals {
  deviceId: string;
  firstDay: string;
  lastDay: string;
  days: number;
  readings: number;
  sessions: number;
  activeMinutes: number;
}

/** Devices in id order after `afterDeviceId`, with their totals over every day in gold (kept by migrations/0094's triggers). */
export async function listDevices(db: Queryable, afterDeviceId: string | null, limit: number): Promise<DeviceTotals[]> {
  const { rows } = await db.query<DeviceTotals>(sql`
    SELECT device_id AS "deviceId", first_day::text AS "firstDay", last_day::text AS "lastDay", days,
           readings, sessions::int AS sessions, active_minutes AS "activeMinutes"
      FROM gold.device_totals WHERE (${afterDeviceId}::text IS NULL OR device_id > ${afterDeviceId})
     ORDER BY device_id LIMIT ${limit}`);
  return rows;
}

export interface DailyActivity {
  day: string;
  readings: number;
  windows: number;
  sessions: number;
  activeMinutes: number;
  minutesByExercise: Record<string, number>;
  topExercise: string | null;
}

export async function deviceActivity(db: Queryable, deviceId: string, from: string, to: string): Promise<DailyActivity[]> {
  const { rows } = await db.query<DailyActivity>(sql`
    SELECT partition_date::text AS day, readings, windows, sessions, active_minutes AS "activeMinutes",
           minutes_by_exercise AS "minutesByExercise", top_exercise AS "topExercise"
      FROM gold.device_daily_activity WHERE device_id = ${deviceId} AND partition_date BETWEEN ${from} AND ${to} ORDER BY partition_date`);
  return rows;
}

export interface SessionSummary {
  sessionId: string;
  deviceId: string;
  day: string;
  startedAt: Date;
  endedAt: Date;
  durationS: number;
  windows: number;
  predictedExercise: string;
  confidence: number;
  label: string | null;
  agrees: boolean | null;
  modelVersionId: number;
}

/** The columns of a SessionSummary, selected from gold.session_summaries. */
const sessionColumns = raw(`session_id AS "sessionId", device_id AS "deviceId", partition_date::text AS day, started_at AS "startedAt",
  ended_at AS "endedAt", duration_s AS "durationS", windows, predicted_exercise AS "predictedExercise", confidence, label, agrees,
  model_version_id AS "modelVersionId"`);

/** A device's sessions, newest first, strictly after the (startedAt, sessionId) of the previous page. */
export async function deviceSessions(
  db: Queryable,
  deviceId: string,
  after: { startedAt: string; sessionId: string } | undefined,
  limit: number,
): Promise<SessionSummary[]> {
  const start = after?.startedAt ?? null;
  const { rows } = await db.query<SessionSummary>(
    sql`SELECT ${sessionColumns} FROM gold.session_summaries
     WHERE device_id = ${deviceId} AND (${start}::timestamptz IS NULL OR (started_at, session_id) < (${start}, ${after?.sessionId ?? null}))
     ORDER BY started_at DESC, session_id DESC LIMIT ${limit}`,
  );
  return rows;
}

/** One session's latest summary (a session can span midnight; the later day's summary wins). */
export async function findSession(db: Queryable, deviceId: string, sessionId: string): Promise<SessionSummary | undefined> {
  const { rows } = await db.query<SessionSummary>(
    sql`SELECT ${sessionColumns} FROM gold.session_summaries WHERE device_id = ${deviceId} AND session_id = ${sessionId} ORDER BY partition_date DESC LIMIT 1`,
  );
  return rows[0];
}

export interface WindowPrediction {
  windowIndex: number;
  startTs: Date;
  endTs: Date;
  predicted: string;
  probability: number;
  probabilities: Record<string, number>;
}

export async function sessionWindowPredictions(db: Queryable, deviceId: string, sessionId: string, day: string): Promise<WindowPrediction[]> {
  const { rows } = await db.query<WindowPrediction>(sql`
    SELECT window_index AS "windowIndex", start_ts AS "startTs", end_ts AS "endTs", predicted, probability, probabilities
      FROM gold.window_predictions WHERE device_id = ${deviceId} AND session_id = ${sessionId} AND partition_date = ${day} ORDER BY window_index`);
  return rows;
}

/**
 * The days from `from` to `to` on which gold holds any device's activity: one probe of the primary
 * key (partition_date, device_id) a day, however many devices a day holds.
 */
export async function activityDaysBetween(db: Queryable, from: string, to: string): Promise<string[]> {
  const { rows } = await db.query<{ day: string }>(sql`
    WITH RECURSIVE d(day) AS (
      SELECT min(partition_date) FROM gold.device_daily_activity WHERE partition_date BETWEEN ${from}::date AND ${to}::date
      UNION ALL
      SELECT (SELECT min(partition_date) FROM gold.device_daily_activity WHERE partition_date > d.day AND partition_date <= ${to}::date)
        FROM d WHERE d.day IS NOT NULL)
    SELECT day::text AS day FROM d WHERE day IS NOT NULL`);
  return rows.map((r) => r.day);
}
