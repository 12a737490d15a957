-- Sensor domain, silver: IMU windows (the biggest silver table, 299 features a row) partitioned by
-- day like bronze readings, so a day is replaced within its partition and old days can be let go
-- a partition at a time. The nightly run makes its day's partition before writing it.

-- Up Migration
-- The rows wait in a temporary table, so the new table takes the old one's name and constraint names.
CREATE TEMPORARY TABLE imu_windows_moving ON COMMIT DROP AS SELECT * FROM silver.imu_windows;
DROP VIEW silver.labelled_windows;
DROP TABLE silver.imu_windows;
CREATE TABLE silver.imu_windows (
  partition_date date             NOT NULL,
  device_id      text             NOT NULL,
  session_id     text,
  window_index   integer          NOT NULL,
  start_ts       timestamptz      NOT NULL,
  end_ts         timestamptz      NOT NULL,
  samples        integer          NOT NULL,
  sample_rate_hz double precision NOT NULL,
  features       double precision[] NOT NULL,
  PRIMARY KEY (partition_date, device_id, window_index)
) PARTITION BY RANGE (partition_date);
CREATE INDEX imu_windows_by_session ON silver.imu_windows (session_id) WHERE session_id IS NOT NULL;
CREATE TABLE silver.imu_windows_default PARTITION OF silver.imu_windows DEFAULT;

-- The windows' partition of a day (the worker calls it before writing the day); waits at most 2 s for locks.
CREATE FUNCTION silver.ensure_imu_windows_partition(d date) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '2s'
  RETURN ops.ensure_day_partition('silver.imu_windows', 'partition_date', d);
REVOKE EXECUTE ON FUNCTION silver.ensure_imu_windows_partition(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION silver.ensure_imu_windows_partition(date) TO refinery_worker;

SELECT silver.ensure_imu_windows_partition(d) FROM (SELECT DISTINCT partition_date AS d FROM imu_windows_moving) AS days;
INSERT INTO silver.imu_windows SELECT * FROM imu_windows_moving;
DROP TABLE imu_windows_moving;

CREATE VIEW silver.labelled_windows AS
SELECT w.partition_date, w.device_id, w.session_id, w.window_index, w.start_ts, w.end_ts, s.exercise AS label, w.features
  FROM silver.imu_windows w
  JOIN silver.exercise_sessions s ON s.partition_date = w.partition_date AND s.device_id = w.device_id AND s.session_id = w.session_id
 WHERE s.exercise IS NOT NULL;

-- Down Migration
CREATE TEMPORARY TABLE imu_windows_moving ON COMMIT DROP AS SELECT * FROM silver.imu_windows;
DROP VIEW silver.labelled_windows;
DROP TABLE silver.imu_windows;
DROP FUNCTION silver.ensure_imu_windows_partition(date);
CREATE TABLE silver.imu_windows (
  partition_date date             NOT NULL,
  device_id      text             NOT NULL,
  session_id     text,
  window_index   integer          NOT NULL,
  start_ts       timestamptz      NOT NULL,
  end_ts         timestamptz      NOT NULL,
  samples        integer          NOT NULL,
  sample_rate_hz double precision NOT NULL,
  features       double precision[] NOT NULL,
  PRIMARY KEY (partition_date, device_id, window_index)
);
CREATE INDEX imu_windows_by_session ON silver.imu_windows (session_id) WHERE session_id IS NOT NULL;
INSERT INTO silver.imu_windows SELECT * FROM imu_windows_moving;
DROP TABLE imu_windows_moving;
CREATE VIEW silver.labelled_windows AS
SELECT w.partition_date, w.device_id, w.session_id, w.window_index, w.start_ts, w.end_ts, s.exercise AS label, w.features
  FROM silver.imu_windows w
  JOIN silver.exercise_sessions s ON s.partition_date = w.partition_date AND s.device_id = w.device_id AND s.session_id = w.session_id
 WHERE s.exercise IS NOT NULL;
