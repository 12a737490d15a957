-- Retention and archive of day-partitioned tables: the policies (one row per table, the one place
-- they are kept), the manifest of archived days (pending → written → verified → dropped, restored),
-- and the privileged steps the worker may take on exactly those tables: checksum a day, drop a day
-- whose rows still match its verified archive, make a day's partition back for a restore.

-- Up Migration
CREATE TABLE ops.retention_policies (
  table_name         text        PRIMARY KEY,
  partition_column   text        NOT NULL,
  hot_days           integer     NOT NULL CHECK (hot_days BETWEEN 7 AND 36600),
  ahead_days         integer     NOT NULL DEFAULT 7 CHECK (ahead_days BETWEEN 0 AND 62),
  keep_restored_days integer     NOT NULL DEFAULT 14 CHECK (keep_restored_days BETWEEN 1 AND 3660),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- Bronze segments are re-derivable input: 90 days hot covers late data and re-runs. Silver windows
-- are what models train on (silver.labelled_windows): 400 days, a year of seasons and a margin.
INSERT INTO ops.retention_policies (table_name, partition_column, hot_days) VALUES
  ('bronze.imu_segments', 'day', 90),
  ('silver.imu_windows', 'partition_date', 400);

CREATE TABLE ops.partition_archives (
  table_name    text        NOT NULL REFERENCES ops.retention_policies ON UPDATE CASCADE,
  day           date        NOT NULL,
  state         text        NOT NULL CHECK (state IN ('pending', 'written', 'verified', 'dropped', 'restored')),
  object_key    text        NOT NULL,
  rows          bigint,
  -- Order-free checksum of the rows' text in PostgreSQL (ops.day_checksum): compared before the drop and after a restore.
  checksum      text,
  -- SHA-256 of the rows' exact values as written to the object, and of the object's bytes.
  rows_sha256   text,
  object_sha256 text,
  bytes         bigint,
  error         text,
  archived_at   timestamptz,
  dropped_at    timestamptz,
  restored_at   timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_name, day)
);

-- The partition of a day of a table with a retention policy ('schema.table_YYYYMMDD'), or an error.
CREATE FUNCTION ops.retained_partition(parent text, d date) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ops.retention_policies WHERE table_name = parent) THEN
    RAISE EXCEPTION 'no retention policy for table %', parent USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN format('%I.%I', split_part(parent, '.', 1), split_part(parent, '.', 2) || '_' || to_char(d, 'YYYYMMDD'));
END $$;

-- Rows and an order-free checksum of a day's partition: two sums of the halves of each row's text's
-- MD5. Settings fixed, so the same rows give the same text in any session.
CREATE FUNCTION ops.day_checksum(parent text, d date, OUT rows bigint, OUT checksum text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET extra_float_digits = 1 AS $$
DECLARE part text := ops.retained_partition(parent, d);
BEGIN
  IF to_regclass(part) IS NULL THEN rows := NULL; checksum := NULL; RETURN; END IF;
  EXECUTE format(
    $q$SELECT count(*), coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text || ':' ||
                        coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text
         FROM (SELECT md5(t::text) AS h FROM %s t) r$q$, part) INTO rows, checksum;
END $$;

-- Detaches and drops a day's partition if its rows are still those archived (same count and
-- checksum, taken under the lock that keeps writers out), or if it is empty and its day archived
-- before; otherwise keeps it and says why.
CREATE FUNCTION ops.drop_archived_day(parent text, d date, expected_rows bigint, expected_checksum text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '10s' AS $$
DECLARE
  part text := ops.retained_partition(parent, d);
  now_rows bigint;
  now_checksum text;
BEGIN
  IF to_regclass(part) IS NULL THEN RETURN 'dropped already'; END IF;
  -- A verified archive of these rows, or (an empty partition made again for a day archived before) nothing to lose.
  IF NOT EXISTS (SELECT 1 FROM ops.partition_archives WHERE table_name = parent AND day = d
                  AND ((state = 'verified' AND rows = expected_rows AND checksum = expected_checksum) OR (state = 'dropped' AND expected_rows = 0))) THEN
    RETURN 'kept: the archive of this day is not verified with these rows';
  END IF;
  EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', part);
  SELECT c.rows, c.checksum INTO now_rows, now_checksum FROM ops.day_checksum(parent, d) c;
  IF now_rows <> expected_rows OR now_checksum <> expected_checksum THEN
    RETURN format('kept: the partition changed since it was archived (%s rows now, %s archived)', now_rows, expected_rows);
  END IF;
  EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', parent, part);
  EXECUTE format('DROP TABLE %s', part);
  RETURN 'dropped';
END $$;

-- Makes a day's partition back (for a restore), with the table's partition column from its policy.
CREATE FUNCTION ops.ensure_retained_day(parent text, d date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '10s' AS $$
DECLARE key text;
BEGIN
  SELECT partition_column INTO key FROM ops.retention_policies WHERE table_name = parent;
  IF key IS NULL THEN RAISE EXCEPTION 'no retention policy for table %', parent USING ERRCODE = 'invalid_parameter_value'; END IF;
  RETURN ops.ensure_day_partition(parent, key, d);
END $$;

REVOKE EXECUTE ON FUNCTION ops.day_checksum(text, date), ops.drop_archived_day(text, date, bigint, text), ops.ensure_retained_day(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.day_checksum(text, date), ops.drop_archived_day(text, date, bigint, text), ops.ensure_retained_day(text, date) TO refinery_worker;

-- Down Migration
DROP FUNCTION ops.ensure_retained_day(text, date), ops.drop_archived_day(text, date, bigint, text), ops.day_checksum(text, date), ops.retained_partition(text, date);
DROP TABLE ops.partition_archives;
DROP TABLE ops.retention_policies;
