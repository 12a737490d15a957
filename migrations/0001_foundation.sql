-- Foundation: the medallion schemas, the database roles with least-privilege grants, run history
-- and API keys. Roles are cluster-wide, so they are created only when missing.

-- Up Migration
CREATE SCHEMA bronze;
CREATE SCHEMA silver;
CREATE SCHEMA gold;
CREATE SCHEMA registry;
CREATE SCHEMA ops;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'refinery_worker') THEN
    CREATE ROLE refinery_worker NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'refinery_ingest') THEN
    CREATE ROLE refinery_ingest NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'refinery_api') THEN
    CREATE ROLE refinery_api NOLOGIN;
  END IF;
END
$$;

-- worker: runs pipelines; reads and writes every layer, never changes the schema.
GRANT USAGE ON SCHEMA bronze, silver, gold, registry, ops TO refinery_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA bronze, silver, gold, registry, ops
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO refinery_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA bronze, silver, gold, registry, ops
  GRANT USAGE, SELECT ON SEQUENCES TO refinery_worker;

-- ingest: may only add to the bronze tables it is granted, table by table, in later migrations.
GRANT USAGE ON SCHEMA bronze TO refinery_ingest;

-- api: reads gold, the registry and ops; nothing else, and never writes.
GRANT USAGE ON SCHEMA gold, registry, ops TO refinery_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA gold, registry, ops GRANT SELECT ON TABLES TO refinery_api;

CREATE TABLE ops.pipeline_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline      text        NOT NULL,
  partition_key text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  trigger       text        NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'schedule', 'backfill')),
  params        jsonb       NOT NULL DEFAULT '{}',
  workflow_id   text        NOT NULL,
  run_id        text        NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz,
  error         text,
  UNIQUE (workflow_id, run_id)
);
CREATE INDEX pipeline_runs_by_partition ON ops.pipeline_runs (pipeline, partition_key, started_at DESC);
CREATE INDEX pipeline_runs_by_time ON ops.pipeline_runs (started_at DESC, id DESC);

CREATE TABLE ops.step_runs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_run_id bigint      NOT NULL REFERENCES ops.pipeline_runs (id) ON DELETE CASCADE,
  step_id         text        NOT NULL,
  activity        text        NOT NULL,
  task_queue      text        NOT NULL,
  attempt         integer     NOT NULL CHECK (attempt >= 1),
  status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled')),
  started_at      timestamptz,
  ended_at        timestamptz,
  rows_read       bigint,
  rows_written    bigint,
  error           text,
  UNIQUE (pipeline_run_id, step_id, attempt)
);

CREATE TABLE ops.api_keys (
  id          text        PRIMARY KEY,
  name        text        NOT NULL,
  role        text        NOT NULL CHECK (role IN ('device', 'reader', 'admin')),
  device_id   text,
  secret_hash bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CHECK ((role = 'device') = (device_id IS NOT NULL))
);

-- The first bronze table: events landed by the foundation's workflow, one partition per day.
CREATE TABLE bronze.demo_events (
  partition_date date             NOT NULL,
  event_id       integer          NOT NULL,
  source         text             NOT NULL,
  value          double precision NOT NULL,
  attributes     jsonb            NOT NULL DEFAULT '{}',
  occurred_at    timestamptz      NOT NULL,
  PRIMARY KEY (partition_date, event_id)
);

-- Down Migration
ALTER DEFAULT PRIVILEGES IN SCHEMA bronze, silver, gold, registry, ops
  REVOKE ALL ON TABLES FROM refinery_worker, refinery_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA bronze, silver, gold, registry, ops
  REVOKE ALL ON SEQUENCES FROM refinery_worker;
DROP SCHEMA bronze, silver, gold, registry, ops CASCADE;
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['refinery_worker', 'refinery_ingest', 'refinery_api'] LOOP
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', r);
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'role % is still used by another database; kept', r;
    END;
  END LOOP;
END
$$;
