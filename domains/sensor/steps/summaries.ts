// Gold step of the sensor pipeline: per-session summaries (the exercise the windows' probabilities
// point to, with confidence, duration and agreement with the label when known) and each device's
// daily activity, from the day's window predictions. Both replace the day.
import { withTransaction } from '../../../lib/db/pool.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const summariseSensorDay: StepFactory =
  ({ pools }) =>
  async (input) => {
    const day = input.partition;
    const written = await withTransaction(pools.worker, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`gold.sensor-summaries|${day}`]);
      await client.query('DELETE FROM gold.session_summaries WHERE partition_date = $1', [day]);
      // A session's exercise is the class with the largest summed probability over its windows.
      const sessions = await client.query(
        `WITH votes AS (
         SELECT p.device_id, p.session_id, c.key AS exercise, sum(c.value::float8) AS weight, count(*) AS windows
           FROM gold.window_predictions p, jsonb_each_text(p.probabilities) c
          WHERE p.partition_date = $1 AND p.session_id IS NOT NULL
          GROUP BY 1, 2, 3),
       best AS (
         SELECT DISTINCT ON (device_id, session_id) device_id, session_id, exercise, weight / windows AS confidence
           FROM votes ORDER BY device_id, session_id, weight DESC, exercise),
       spans AS (
         SELECT device_id, session_id, min(start_ts) AS started_at, max(end_ts) AS ended_at, count(*)::int AS windows, max(model_version_id) AS model_version_id
           FROM gold.window_predictions WHERE partition_date = $1 AND session_id IS NOT NULL GROUP BY 1, 2)
       INSERT INTO gold.session_summaries (partition_date, device_id, session_id, started_at, ended_at, duration_s, windows,
                                          predicted_exercise, confidence, label, agrees, model_version_id)
       SELECT $1::date, s.device_id, s.session_id, s.started_at, s.ended_at, extract(epoch FROM s.ended_at - s.started_at), s.windows,
              b.exercise, b.confidence, l.exercise, CASE WHEN l.exercise IS NULL THEN NULL ELSE l.exercise = b.exercise END, s.model_version_id
         FROM spans s JOIN best b USING (device_id, session_id)
         LEFT JOIN silver.exercise_sessions l ON l.partition_date = $1 AND l.device_id = s.device_id AND l.session_id = s.session_id`,
        [day],
      );
      await client.query('DELETE FROM gold.device_daily_activity WHERE partition_date = $1', [day]);
      const devices = await client.query(
        `WITH per_device AS (
         SELECT c.device_id, c.kept AS readings, c.windows,
                (SELECT count(*) FROM gold.session_summaries s WHERE s.partition_date = $1 AND s.device_id = c.device_id)::int AS sessions,
                coalesce((SELECT sum(duration_s) / 60 FROM gold.session_summaries s WHERE s.partition_date = $1 AND s.device_id = c.device_id), 0) AS active_minutes,
                coalesce((SELECT jsonb_object_agg(predicted_exercise, minutes ORDER BY predicted_exercise)
                            FROM (SELECT predicted_exercise, sum(duration_s) / 60 AS minutes FROM gold.session_summaries s
                                   WHERE s.partition_date = $1 AND s.device_id = c.device_id GROUP BY 1) m), '{}'::jsonb) AS minutes_by_exercise,
                (SELECT predicted_exercise FROM gold.session_summaries s WHERE s.partition_date = $1 AND s.device_id = c.device_id
                  GROUP BY 1 ORDER BY sum(duration_s) DESC, 1 LIMIT 1) AS top_exercise
           FROM silver.imu_cleaning c WHERE c.partition_date = $1)
       INSERT INTO gold.device_daily_activity (partition_date, device_id, readings, windows, sessions, active_minutes, minutes_by_exercise, top_exercise)
       SELECT $1::date, device_id, readings, windows, sessions, active_minutes, minutes_by_exercise, top_exercise FROM per_device`,
        [day],
      );
      return { sessions: sessions.rowCount ?? 0, devices: devices.rowCount ?? 0 };
    });
    return {
      written: { 'gold.session_summaries': written.sessions, 'gold.device_daily_activity': written.devices },
      metrics: { sessions: written.sessions, devices: written.devices },
    };
  };
