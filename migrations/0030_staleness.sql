-- Staleness and data-aware triggers: why each run started (late data, an upstream success, landing
-- files) and the inputs it saw when it started; each partition's watermark (its last successful run
-- and those inputs); arrivals counted per partition as ingest lands rows; and the landing folders
-- as last scanned. A partition whose inputs differ from its watermark is stale.

-- Up Migration
ALTER TABLE ops.pipeline_runs DROP CONSTRAINT pipeline_runs_trigger_check;
ALTER TABLE ops.pipeline_runs ADD CONSTRAINT pipeline_runs_trigger_check
  CHECK (trigger IN ('manual', 'schedule', 'backfill', 'late-data', 'upstream', 'landing'));
-- reason: why a late-data or triggered run started; inputs: what its inputs were when it started.
ALTER TABLE ops.pipeline_runs ADD COLUMN reason text, ADD COLUMN inputs jsonb;

-- One row per partition that ever succeeded: its latest successful run and what that run saw.
CREATE TABLE ops.partition_watermarks (
  pipeline      text        NOT NULL,
  partition_key text        NOT NULL,
  run_id        bigint      NOT NULL REFERENCES ops.pipeline_runs (id) ON DELETE CASCADE,
  succeeded_at  timestamptz NOT NULL,
  -- NULL when the run predates staleness tracking (nothing to compare with).
  inputs        jsonb,
  checks_run    integer     NOT NULL DEFAULT 0,
  checks_failed integer     NOT NULL DEFAULT 0,
  -- When a reconciler first noticed the inputs had changed since this run; cleared by the next success.
  stale_since   timestamptz,
  PRIMARY KEY (pipeline, partition_key)
);
INSERT INTO ops.partition_watermarks (pipeline, partition_key, run_id, succeeded_at)
SELECT DISTINCT ON (pipeline, partition_key) pipeline, partition_key, id, coalesce(ended_at, started_at)
  FROM ops.pipeline_runs WHERE status = 'succeeded' ORDER BY pipeline, partition_key, started_at DESC, id DESC;

-- Arrivals: what ingest landed, per source (e.g. imu_readings), partition and origin (a device).
-- Ingest appends one row per partition per transaction to ops.arrival_log (no conflicts, no row
-- locks, one round trip); bronze.fold_arrivals() moves the log into per-origin counts and
-- per-partition totals. Readers add the log to the totals in one statement (one snapshot), so a
-- fold never hides or doubles a count. The ingest role has no grant on ops: it can only call the
-- two functions below, which only ever count up.
CREATE TABLE ops.arrival_log (
  source        text        NOT NULL,
  partition_key text        NOT NULL,
  origins       text[]      NOT NULL,
  counts        bigint[]    NOT NULL,
  items         bigint      NOT NULL CHECK (items > 0),
  arrived_at    timestamptz NOT NULL
);
CREATE INDEX arrival_log_by_partition ON ops.arrival_log (source, partition_key);
CREATE TABLE ops.arrivals (
  source        text        NOT NULL,
  partition_key text        NOT NULL,
  origin        text        NOT NULL,
  items         bigint      NOT NULL CHECK (items > 0),
  last_arrival  timestamptz NOT NULL,
  PRIMARY KEY (source, partition_key, origin)
);
CREATE TABLE ops.arrival_totals (
  source        text        NOT NULL,
  partition_key text        NOT NULL,
  items         bigint      NOT NULL CHECK (items > 0),
  last_arrival  timestamptz NOT NULL,
  PRIMARY KEY (source, partition_key)
);

-- Times are kept to the millisecond, as marks (JSON) keep them, so "arrived after" compares exactly.
CREATE FUNCTION bronze.record_arrivals(p_source text, p_partitions text[], p_origins text[], p_items bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO ops.arrival_log (source, partition_key, origins, counts, items, arrived_at)
  SELECT p_source, p, array_agg(o ORDER BY o), array_agg(n ORDER BY o), sum(n), date_trunc('milliseconds', clock_timestamp())
    FROM unnest(p_partitions, p_origins, p_items) AS t(p, o, n) WHERE n > 0 GROUP BY p;
END
$$;

-- One fold at a time (another caller returns 0 at once); rows are upserted in key order. Returns
-- how many partitions it folded.
CREATE FUNCTION bronze.fold_arrivals() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('ops.arrival_log fold')) THEN
    RETURN 0;
  END IF;
  WITH moved AS (
    DELETE FROM ops.arrival_log RETURNING source, partition_key, origins, counts, arrived_at
  ), per_origin AS (
    SELECT source, partition_key, o AS origin, sum(n)::bigint AS items, max(arrived_at) AS last_arrival
      FROM moved, unnest(origins, counts) AS u(o, n) GROUP BY 1, 2, 3
  ), upserted AS (
    INSERT INTO ops.arrivals AS a (source, partition_key, origin, items, last_arrival)
    SELECT source, partition_key, origin, items, last_arrival FROM per_origin ORDER BY 1, 2, 3
    ON CONFLICT (source, partition_key, origin) DO UPDATE SET items = a.items + EXCLUDED.items, last_arrival = greatest(a.last_arrival, EXCLUDED.last_arrival)
  )
  INSERT INTO ops.arrival_totals AS t (source, partition_key, items, last_arrival)
  SELECT source, partition_key, sum(items), max(last_arrival) FROM per_origin GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (source, partition_key) DO UPDATE SET items = t.items + EXCLUDED.items, last_arrival = greatest(t.last_arrival, EXCLUDED.last_arrival);
  GET DIAGNOSTICS folded = ROW_COUNT;
  RETURN folded;
END
$$;
REVOKE ALL ON FUNCTION bronze.record_arrivals(text, text[], text[], bigint[]), bronze.fold_arrivals() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bronze.record_arrivals(text, text[], text[], bigint[]), bronze.fold_arrivals() TO refinery_ingest;
GRANT EXECUTE ON FUNCTION bronze.fold_arrivals() TO refinery_worker;

-- Landing folders (<landing dir>/<folder>/) as the last scan saw them: each file's size, mtime and
-- sha256, a fingerprint of all of them, and when that fingerprint last changed.
CREATE TABLE ops.landing_folders (
  folder      text        PRIMARY KEY,
  files       jsonb       NOT NULL,
  fingerprint text        NOT NULL,
  changed_at  timestamptz NOT NULL,
  scanned_at  timestamptz NOT NULL
);

-- Down Migration
DROP TABLE ops.landing_folders;
DROP FUNCTION bronze.fold_arrivals(), bronze.record_arrivals(text, text[], text[], bigint[]);
DROP TABLE ops.arrival_totals, ops.arrivals, ops.arrival_log, ops.partition_watermarks;
ALTER TABLE ops.pipeline_runs DROP COLUMN inputs, DROP COLUMN reason;
DELETE FROM ops.pipeline_runs WHERE trigger IN ('late-data', 'upstream', 'landing');
ALTER TABLE ops.pipeline_runs DROP CONSTRAINT pipeline_runs_trigger_check;
ALTER TABLE ops.pipeline_runs ADD CONSTRAINT pipeline_runs_trigger_check CHECK (trigger IN ('manual', 'schedule', 'backfill'));
