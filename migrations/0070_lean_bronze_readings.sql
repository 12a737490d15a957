-- Sensor domain, bronze: readings stored lean and partitioned by day. One row per batch and UTC day
-- (a "segment") holds the batch's readings as arrays: milliseconds since midnight, and one array per
-- channel, real[] when every value of the segment is a decimal of at most six significant digits
-- (float4 prints such a decimal back exactly) and float8[] otherwise, so no value a device sent is
-- lost. bronze.imu_readings stays as a view with the old columns, one row per reading.

-- Up Migration
CREATE TABLE bronze.imu_segments (
  day         date        NOT NULL,
  device_id   text        NOT NULL,
  batch_id    text        NOT NULL,
  session_id  text,
  received_at timestamptz NOT NULL,
  ms          integer[]   NOT NULL,
  ax real[], ay real[], az real[], gx real[], gy real[], gz real[], mx real[], my real[], mz real[],
  ax8 float8[], ay8 float8[], az8 float8[], gx8 float8[], gy8 float8[], gz8 float8[], mx8 float8[], my8 float8[], mz8 float8[],
  CHECK ((ax IS NULL) <> (ax8 IS NULL))
) PARTITION BY RANGE (day);
-- Silver reads one device's day at a time: the day prunes to a partition, the index finds the device.
CREATE INDEX imu_segments_device ON bronze.imu_segments (device_id, received_at);
-- Rows for a day whose partition could not be made in time (a lock held too long) land here, never
-- failing the insert; bronze.ensure_imu_partition moves them into their day's partition.
CREATE TABLE bronze.imu_segments_default PARTITION OF bronze.imu_segments DEFAULT;

-- Milliseconds since midnight UTC of the reading's day.
CREATE FUNCTION bronze.ms_of_day(ts timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN round(extract(epoch FROM (ts AT TIME ZONE 'UTC') - date_trunc('day', ts AT TIME ZONE 'UTC')) * 1000)::integer;

-- A table's partition for one day (a range-partitioned table with a "<table>_default" partition, by
-- a date column): made unless it exists, with that day's rows waiting in the default partition
-- moved into it. Made as a plain table and attached, which locks the parent only against other
-- DDL, never against inserts or reads. Not callable by others: each table grants its own wrapper.
CREATE FUNCTION ops.ensure_day_partition(parent text, key text, d date) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  schema_name text := split_part(parent, '.', 1);
  part text := split_part(parent, '.', 2) || '_' || to_char(d, 'YYYYMMDD');
  fallback text := split_part(parent, '.', 2) || '_default';
BEGIN
  IF to_regclass(format('%I.%I', schema_name, part)) IS NOT NULL THEN RETURN false; END IF;
  PERFORM pg_advisory_xact_lock(hashtext(parent), d - date '2000-01-01');
  IF to_regclass(format('%I.%I', schema_name, part)) IS NOT NULL THEN RETURN false; END IF;
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', schema_name, part, parent);
  EXECUTE format('ALTER TABLE %I.%I ADD CHECK (%I >= %L AND %I < %L)', schema_name, part, key, d, key, d + 1);
  EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I WHERE %I = $1', schema_name, part, schema_name, fallback, key) USING d;
  EXECUTE format('DELETE FROM %I.%I WHERE %I = $1', schema_name, fallback, key) USING d;
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', parent, schema_name, part, d, d + 1);
  RETURN true;
END $$;
REVOKE EXECUTE ON FUNCTION ops.ensure_day_partition(text, text, date) FROM PUBLIC;

-- Bronze readings' partition of a day (ingest and the worker call it); waits at most 2 s for locks.
CREATE FUNCTION bronze.ensure_imu_partition(d date) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '2s'
  RETURN ops.ensure_day_partition('bronze.imu_segments', 'day', d);

-- Partitions for a range of days ahead of time (the writer and the nightly run call it); returns how many were made.
CREATE FUNCTION bronze.ensure_imu_partitions(first_day date, last_day date) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, bronze
  RETURN (SELECT count(*) FILTER (WHERE bronze.ensure_imu_partition(d::date))::integer FROM generate_series(first_day, last_day, interval '1 day') AS d);

-- Existing readings move into segments (full precision: they are copied as stored).
SELECT bronze.ensure_imu_partition(d) FROM (SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date AS d FROM bronze.imu_readings) AS days;
SELECT bronze.ensure_imu_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
INSERT INTO bronze.imu_segments (day, device_id, batch_id, session_id, received_at, ms, ax8, ay8, az8, gx8, gy8, gz8, mx8, my8, mz8)
SELECT (ts AT TIME ZONE 'UTC')::date, device_id, batch_id, session_id, received_at, array_agg(bronze.ms_of_day(ts) ORDER BY ts),
       array_agg(ax ORDER BY ts), array_agg(ay ORDER BY ts), array_agg(az ORDER BY ts), array_agg(gx ORDER BY ts), array_agg(gy ORDER BY ts),
       array_agg(gz ORDER BY ts), array_agg(mx ORDER BY ts), array_agg(my ORDER BY ts), array_agg(mz ORDER BY ts)
  FROM bronze.imu_readings GROUP BY 1, 2, 3, 4, 5;
DROP TABLE bronze.imu_readings;

-- One row per reading, as before; real values go through text, which prints the decimal the device sent.
CREATE VIEW bronze.imu_readings AS
SELECT s.device_id, s.batch_id, s.session_id,
       (s.day::timestamp AT TIME ZONE 'UTC') + r.ms * interval '1 millisecond' AS ts,
       coalesce(r.ax8, r.ax::text::float8) AS ax, coalesce(r.ay8, r.ay::text::float8) AS ay, coalesce(r.az8, r.az::text::float8) AS az,
       coalesce(r.gx8, r.gx::text::float8) AS gx, coalesce(r.gy8, r.gy::text::float8) AS gy, coalesce(r.gz8, r.gz::text::float8) AS gz,
       coalesce(r.mx8, r.mx::text::float8) AS mx, coalesce(r.my8, r.my::text::float8) AS my, coalesce(r.mz8, r.mz::text::float8) AS mz,
       s.received_at
  FROM bronze.imu_segments s
 CROSS JOIN LATERAL unnest(s.ms, s.ax, s.ay, s.az, s.gx, s.gy, s.gz, s.mx, s.my, s.mz, s.ax8, s.ay8, s.az8, s.gx8, s.gy8, s.gz8, s.mx8, s.my8, s.mz8)
       AS r(ms, ax, ay, az, gx, gy, gz, mx, my, mz, ax8, ay8, az8, gx8, gy8, gz8, mx8, my8, mz8);

-- A reading inserted through the view (repairs, tests) becomes a one-reading segment at full precision.
CREATE FUNCTION bronze.insert_imu_reading() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bronze.imu_segments (day, device_id, batch_id, session_id, received_at, ms, ax8, ay8, az8, gx8, gy8, gz8, mx8, my8, mz8)
  VALUES ((NEW.ts AT TIME ZONE 'UTC')::date, NEW.device_id, NEW.batch_id, NEW.session_id, NEW.received_at, ARRAY[bronze.ms_of_day(NEW.ts)],
          ARRAY[NEW.ax], ARRAY[NEW.ay], ARRAY[NEW.az], ARRAY[NEW.gx], ARRAY[NEW.gy], ARRAY[NEW.gz], ARRAY[NEW.mx], ARRAY[NEW.my], ARRAY[NEW.mz]);
  RETURN NEW;
END $$;
CREATE TRIGGER insert_imu_reading INSTEAD OF INSERT ON bronze.imu_readings FOR EACH ROW EXECUTE FUNCTION bronze.insert_imu_reading();

-- The nightly run reads a day's sessions by start time: an index keeps that flat as sessions pile up.
CREATE INDEX exercise_sessions_by_start ON bronze.exercise_sessions (started_at);

GRANT INSERT ON bronze.imu_segments TO refinery_ingest;
GRANT EXECUTE ON FUNCTION bronze.ensure_imu_partition(date), bronze.ensure_imu_partitions(date, date) TO refinery_ingest, refinery_worker;
REVOKE EXECUTE ON FUNCTION bronze.ensure_imu_partition(date), bronze.ensure_imu_partitions(date, date) FROM PUBLIC;

-- Down Migration
DROP INDEX bronze.exercise_sessions_by_start;
CREATE TABLE bronze.imu_readings_flat (
  device_id   text             NOT NULL,
  batch_id    text             NOT NULL,
  session_id  text,
  ts          timestamptz      NOT NULL,
  ax          double precision NOT NULL,
  ay          double precision NOT NULL,
  az          double precision NOT NULL,
  gx          double precision NOT NULL,
  gy          double precision NOT NULL,
  gz          double precision NOT NULL,
  mx          double precision,
  my          double precision,
  mz          double precision,
  received_at timestamptz      NOT NULL
);
INSERT INTO bronze.imu_readings_flat SELECT * FROM bronze.imu_readings;
DROP VIEW bronze.imu_readings;
DROP FUNCTION bronze.insert_imu_reading();
DROP TABLE bronze.imu_segments;
DROP FUNCTION bronze.ensure_imu_partitions(date, date), bronze.ensure_imu_partition(date), ops.ensure_day_partition(text, text, date), bronze.ms_of_day(timestamptz);
ALTER TABLE bronze.imu_readings_flat RENAME TO imu_readings;
CREATE INDEX imu_readings_ts ON bronze.imu_readings USING brin (ts) WITH (pages_per_range = 32);
GRANT INSERT ON bronze.imu_readings TO refinery_ingest;
