-- Sensor domain: the arrivals of readings and sessions already in bronze, counted per UTC day and
-- device, so partitions processed before staleness tracking compare against the right totals.
-- From now on ingest counts them as it lands them (domains/sensor/ingest).

-- Up Migration
INSERT INTO ops.arrivals (source, partition_key, origin, items, last_arrival)
SELECT 'imu_readings', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), device_id, count(*), date_trunc('milliseconds', max(received_at))
  FROM bronze.imu_readings GROUP BY 2, 3;
INSERT INTO ops.arrivals (source, partition_key, origin, items, last_arrival)
SELECT 'exercise_sessions', to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), device_id, count(*), date_trunc('milliseconds', max(received_at))
  FROM bronze.exercise_sessions GROUP BY 2, 3;
INSERT INTO ops.arrival_totals (source, partition_key, items, last_arrival)
SELECT source, partition_key, sum(items), max(last_arrival)
  FROM ops.arrivals WHERE source IN ('imu_readings', 'exercise_sessions') GROUP BY 1, 2;

-- Down Migration
DELETE FROM ops.arrival_totals WHERE source IN ('imu_readings', 'exercise_sessions');
DELETE FROM ops.arrivals WHERE source IN ('imu_readings', 'exercise_sessions');
