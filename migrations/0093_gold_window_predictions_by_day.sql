-- Sensor domain, gold: window predictions (one row per two-second window, as many as silver's
-- windows: about 1.8 million a day for a thousand wearers exercising an hour) partitioned by day like
-- silver.imu_windows (issue 19). A nightly re-run replaces its day within the day's partition, so its
-- dead rows and the VACUUM that clears them stay in that day instead of scanning every day's
-- indexes, and the API's reads of a session's windows touch one day. The predict step makes its
-- day's partition before writing it.

-- Up Migration
ALTER TABLE gold.window_predictions RENAME TO window_predictions_unpartitioned;
ALTER INDEX gold.window_predictions_pkey RENAME TO window_predictions_unpartitioned_pkey;
ALTER INDEX gold.window_predictions_by_session RENAME TO window_predictions_unpartitioned_by_session;

-- NOT NULL constraints named as the old table's (PostgreSQL 18 names them, and would otherwise pick
-- other names while the old table still holds these).
CREATE TABLE gold.window_predictions (
  partition_date   date             CONSTRAINT window_predictions_partition_date_not_null NOT NULL,
  device_id        text             CONSTRAINT window_predictions_device_id_not_null NOT NULL,
  window_index     integer          CONSTRAINT window_predictions_window_index_not_null NOT NULL,
  session_id       text,
  start_ts         timestamptz      CONSTRAINT window_predictions_start_ts_not_null NOT NULL,
  end_ts           timestamptz      CONSTRAINT window_predictions_end_ts_not_null NOT NULL,
  model_version_id bigint           CONSTRAINT window_predictions_model_version_id_not_null NOT NULL,
  predicted        text             CONSTRAINT window_predictions_predicted_not_null NOT NULL,
  probability      double precision CONSTRAINT window_predictions_probability_not_null NOT NULL,
  probabilities    jsonb            CONSTRAINT window_predictions_probabilities_not_null NOT NULL,
  CONSTRAINT window_predictions_pkey PRIMARY KEY (partition_date, device_id, window_index)
) PARTITION BY RANGE (partition_date);
CREATE INDEX window_predictions_by_session ON gold.window_predictions (session_id) WHERE session_id IS NOT NULL;
CREATE TABLE gold.window_predictions_default PARTITION OF gold.window_predictions DEFAULT;
SELECT ops.copy_table_privileges('gold.window_predictions_unpartitioned', 'gold.window_predictions');

-- The predictions' partition of a day (the worker calls it before writing the day); waits at most 2 s for locks.
CREATE FUNCTION gold.ensure_window_predictions_partition(d date) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '2s'
  RETURN ops.ensure_day_partition('gold.window_predictions', 'partition_date', d);
REVOKE EXECUTE ON FUNCTION gold.ensure_window_predictions_partition(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gold.ensure_window_predictions_partition(date) TO refinery_worker;

SELECT gold.ensure_window_predictions_partition(d) FROM (SELECT DISTINCT partition_date AS d FROM gold.window_predictions_unpartitioned) AS days;
INSERT INTO gold.window_predictions SELECT * FROM gold.window_predictions_unpartitioned;
DROP TABLE gold.window_predictions_unpartitioned;

-- Down Migration
ALTER TABLE gold.window_predictions RENAME TO window_predictions_partitioned;
ALTER INDEX gold.window_predictions_pkey RENAME TO window_predictions_partitioned_pkey;
ALTER INDEX gold.window_predictions_by_session RENAME TO window_predictions_partitioned_by_session;
CREATE TABLE gold.window_predictions (
  partition_date   date             CONSTRAINT window_predictions_partition_date_not_null NOT NULL,
  device_id        text             CONSTRAINT window_predictions_device_id_not_null NOT NULL,
  window_index     integer          CONSTRAINT window_predictions_window_index_not_null NOT NULL,
  session_id       text,
  start_ts         timestamptz      CONSTRAINT window_predictions_start_ts_not_null NOT NULL,
  end_ts           timestamptz      CONSTRAINT window_predictions_end_ts_not_null NOT NULL,
  model_version_id bigint           CONSTRAINT window_predictions_model_version_id_not_null NOT NULL,
  predicted        text             CONSTRAINT window_predictions_predicted_not_null NOT NULL,
  probability      double precision CONSTRAINT window_predictions_probability_not_null NOT NULL,
  probabilities    jsonb            CONSTRAINT window_predictions_probabilities_not_null NOT NULL,
  CONSTRAINT window_predictions_pkey PRIMARY KEY (partition_date, device_id, window_index)
);
CREATE INDEX window_predictions_by_session ON gold.window_predictions (session_id) WHERE session_id IS NOT NULL;
SELECT ops.copy_table_privileges('gold.window_predictions_partitioned', 'gold.window_predictions');
INSERT INTO gold.window_predictions SELECT * FROM gold.window_predictions_partitioned;
DROP TABLE gold.window_predictions_partitioned;
DROP FUNCTION gold.ensure_window_predictions_partition(date);
