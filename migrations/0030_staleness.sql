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

-- Rows landed per source, partition and origin (a device), kept by ingest as it commits; and the
-- per-partition totals, so detecting stale partitions reads one row per partition.
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
  origins       integer     NOT NULL,
  last_arrival  timestamptz NOT NULL,
  PRIMARY KEY (source, partition_key)
);

-- The ingest role adds arrivals through this function only (it has no grant on ops): it can count
-- rows up, never rewrite or remove them. Rows are locked in key order, so concurrent flushes never
-- deadlock; the totals row is touched last, just before commit.
CREATE FUNCTION bronze.record_arrivals(p_source text, p_partitions text[], p_origins text[], p_items bigint[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH input AS (
    SELECT p, o, sum(n)::bigint AS n FROM unnest(p_partitions, p_origins, p_items) AS t(p, o, n) WHERE n > 0 GROUP BY p, o
  ), upserted AS (
    INSERT INTO ops.arrivals AS a (source, partition_key, origin, items, last_arrival)
    SELECT p_source, p, o, n, clock_timestamp() FROM input ORDER BY p, o
    ON CONFLICT (source, partition_key, origin) DO UPDATE SET items = a.items + EXCLUDED.items, last_arrival = EXCLUDED.last_arrival
    RETURNING partition_key, (xmax = 0) AS first_from_origin
  ), totals AS (
    SELECT i.p, sum(i.n)::bigint AS n,
           (SELECT count(*) FROM upserted u WHERE u.partition_key = i.p AND u.first_from_origin)::int AS new_origins
      FROM input i GROUP BY i.p
  )
  INSERT INTO ops.arrival_totals AS t (source, partition_key, items, origins, last_arrival)
  SELECT p_source, p, n, new_origins, clock_timestamp() FROM totals ORDER BY p
  ON CONFLICT (source, partition_key) DO UPDATE
    SET items = t.items + EXCLUDED.items, origins = t.origins + EXCLUDED.origins, last_arrival = EXCLUDED.last_arrival;
$$;
REVOKE ALL ON FUNCTION bronze.record_arrivals(text, text[], text[], bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bronze.record_arrivals(text, text[], text[], bigint[]) TO refinery_ingest;

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
DROP FUNCTION bronze.record_arrivals(text, text[], text[], bigint[]);
DROP TABLE ops.arrival_totals, ops.arrivals, ops.partition_watermarks;
ALTER TABLE ops.pipeline_runs DROP COLUMN inputs, DROP COLUMN reason;
DELETE FROM ops.pipeline_runs WHERE trigger IN ('late-data', 'upstream', 'landing');
ALTER TABLE ops.pipeline_runs DROP CONSTRAINT pipeline_runs_trigger_check;
ALTER TABLE ops.pipeline_runs ADD CONSTRAINT pipeline_runs_trigger_check CHECK (trigger IN ('manual', 'schedule', 'backfill'));
