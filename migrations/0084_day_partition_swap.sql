-- A day partition replaced by a swap: the day's rows are COPYed into a fresh table shaped like the
-- partition, and at the end of the same transaction the old partition is detached and dropped and
-- the fresh one attached in its place, with its indexes built and its range constraint validated
-- beforehand so that the ATTACH neither scans it nor builds anything under the parent's lock.
-- Only where it is cheaper (bench/day-swap.ts): re-running a day whose partition is big; a small or
-- empty day is still replaced by a delete and a COPY.

-- Up Migration
-- The fresh table for a day of a range-partitioned table (by a date column), made in the caller's
-- transaction (a crash rolls it back with everything else) and writable by `writer`; NULL, making
-- nothing, when the day's partition holds less than min_bytes (table, TOAST and indexes): the
-- caller then replaces the day in place. The day's advisory lock is the one lib/db/copy.ts's
-- partition replace takes, so a swap and a delete+COPY of the same day never interleave. Not
-- callable by others: each table grants its own wrapper.
CREATE FUNCTION ops.stage_day_partition(parent text, key text, d date, writer text, min_bytes bigint) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  schema_name text := split_part(parent, '.', 1);
  staging text := split_part(parent, '.', 2) || '_' || to_char(d, 'YYYYMMDD') || '_next';
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(parent || '|' || key || '=' || to_char(d, 'YYYY-MM-DD'), 0));
  IF coalesce(pg_total_relation_size(to_regclass(format('%I.%I', schema_name, split_part(parent, '.', 2) || '_' || to_char(d, 'YYYYMMDD')))), 0) < min_bytes THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', schema_name, staging, parent);
  EXECUTE format('ALTER TABLE %I.%I ADD CHECK (%I >= %L AND %I < %L)', schema_name, staging, key, d, key, d + 1);
  EXECUTE format('GRANT INSERT ON %I.%I TO %I', schema_name, staging, writer);
  RETURN schema_name || '.' || staging;
END $$;
REVOKE EXECUTE ON FUNCTION ops.stage_day_partition(text, text, date, text, bigint) FROM PUBLIC;

-- Puts the staged table in place of the day's partition and says how: 'swapped' or 'replaced'. Its
-- indexes are built first, copying the parent's (so ATTACH only adopts them); then, in one go under
-- the parent's lock, the old partition is detached and dropped and the staged one renamed (its
-- indexes too, taking the old names) and attached. When the parent's lock is not had within the
-- caller's lock_timeout (a long reader of the table), or the day has no partition of its own (its
-- rows are in the default one), the day is replaced instead by a delete and an insert from the
-- staged table, which waits for no reader.
CREATE FUNCTION ops.swap_day_partition(parent text, key text, d date, writer text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  schema_name text := split_part(parent, '.', 1);
  part text := split_part(parent, '.', 2) || '_' || to_char(d, 'YYYYMMDD');
  staging text := part || '_next';
  ix record;
BEGIN
  IF to_regclass(format('%I.%I', schema_name, staging)) IS NULL THEN
    RAISE EXCEPTION '%: no staged table for %; stage it in this transaction first', parent, d;
  END IF;
  IF to_regclass(format('%I.%I', schema_name, part)) IS NOT NULL THEN
    FOR ix IN
      SELECT pg_get_indexdef(i.indexrelid) AS def, pg_get_constraintdef(con.oid) AS constraint_def
        FROM pg_index i LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
       WHERE i.indrelid = parent::regclass
    LOOP
      IF ix.constraint_def IS NOT NULL THEN  -- a primary key or unique constraint: the same constraint
        EXECUTE format('ALTER TABLE %I.%I ADD %s', schema_name, staging, ix.constraint_def);
      ELSE  -- the parent's definition on the staged table: "CREATE INDEX name ON ONLY parent USING …"
        EXECUTE regexp_replace(ix.def, '^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+', format('CREATE \1INDEX ON %I.%I', schema_name, staging));
      END IF;
    END LOOP;
    BEGIN
      EXECUTE format('ALTER TABLE %s DETACH PARTITION %I.%I', parent, schema_name, part);
      EXECUTE format('DROP TABLE %I.%I', schema_name, part);
      EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', schema_name, staging, part);
      FOR ix IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = format('%I.%I', schema_name, part)::regclass LOOP
        EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', schema_name, ix.relname, replace(ix.relname, staging, part));
      END LOOP;
      EXECUTE format('REVOKE INSERT ON %I.%I FROM %I', schema_name, part, writer);
      EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', parent, schema_name, part, d, d + 1);
      RETURN 'swapped';
    EXCEPTION WHEN lock_not_available THEN
      NULL;  -- rolled back to the block's start: the old partition as it was, the staged table still there
    END;
  END IF;
  EXECUTE format('DELETE FROM %s WHERE %I = $1', parent, key) USING d;
  EXECUTE format('INSERT INTO %s SELECT * FROM %I.%I', parent, schema_name, staging);
  EXECUTE format('DROP TABLE %I.%I', schema_name, staging);
  RETURN 'replaced';
END $$;
REVOKE EXECUTE ON FUNCTION ops.swap_day_partition(text, text, date, text) FROM PUBLIC;

-- silver.imu_windows' day, staged and swapped by the worker (the nightly silver step). A day of
-- 8,000 windows (23 MiB) re-ran 0.85× as long by a swap, one of 2,400 (7 MiB) 1.9× (bench/day-swap.ts):
-- days from 16 MiB are swapped. min_bytes 0 stages any day (the benchmark).
CREATE FUNCTION silver.stage_imu_windows_day(d date, min_bytes bigint DEFAULT 16777216) RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  RETURN ops.stage_day_partition('silver.imu_windows', 'partition_date', d, 'refinery_worker', min_bytes);
CREATE FUNCTION silver.swap_imu_windows_day(d date) RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '5s'
  RETURN ops.swap_day_partition('silver.imu_windows', 'partition_date', d, 'refinery_worker');
REVOKE EXECUTE ON FUNCTION silver.stage_imu_windows_day(date, bigint), silver.swap_imu_windows_day(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION silver.stage_imu_windows_day(date, bigint), silver.swap_imu_windows_day(date) TO refinery_worker;

-- Down Migration
DROP FUNCTION silver.swap_imu_windows_day(date), silver.stage_imu_windows_day(date, bigint);
DROP FUNCTION ops.swap_day_partition(text, text, date, text), ops.stage_day_partition(text, text, date, text, bigint);
