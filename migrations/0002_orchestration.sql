-- Orchestration: run history detail (backfills, schedules, lineage, step metrics) and the demo
-- pipeline's silver and gold tables.

-- Up Migration
ALTER TABLE ops.pipeline_runs
  ADD COLUMN backfill_id     text,
  ADD COLUMN scheduled_start timestamptz,
  ADD COLUMN summary         jsonb;
CREATE INDEX pipeline_runs_by_backfill ON ops.pipeline_runs (backfill_id) WHERE backfill_id IS NOT NULL;
CREATE INDEX pipeline_runs_by_status ON ops.pipeline_runs (status, started_at DESC);

-- Attempt 0 records a step that never ran (skipped, or cancelled before it started).
ALTER TABLE ops.step_runs DROP CONSTRAINT step_runs_attempt_check;
ALTER TABLE ops.step_runs ADD CONSTRAINT step_runs_attempt_check CHECK (attempt >= 0);
ALTER TABLE ops.step_runs ADD COLUMN layer text, ADD COLUMN metrics jsonb;
CREATE INDEX step_runs_by_run ON ops.step_runs (pipeline_run_id, step_id, attempt);

CREATE TABLE ops.lineage (
  step_run_id   bigint NOT NULL REFERENCES ops.step_runs (id) ON DELETE CASCADE,
  direction     text   NOT NULL CHECK (direction IN ('read', 'write')),
  table_name    text   NOT NULL,
  partition_key text,
  rows          bigint
);
CREATE UNIQUE INDEX lineage_one_entry ON ops.lineage (step_run_id, direction, table_name, coalesce(partition_key, ''));
CREATE INDEX lineage_by_table ON ops.lineage (table_name, partition_key);

CREATE TABLE ops.backfills (
  id              text        PRIMARY KEY,
  pipeline        text        NOT NULL,
  range           jsonb       NOT NULL,
  partitions      integer     NOT NULL,
  concurrency     integer     NOT NULL CHECK (concurrency >= 1),
  mode            text        NOT NULL CHECK (mode IN ('all', 'only-failed')),
  status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  workflow_run_id text        NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  counts          jsonb
);

-- The demo pipeline: bronze.demo_events → silver.demo_events_clean → gold aggregates.
CREATE TABLE silver.demo_events_clean (
  partition_date date             NOT NULL,
  event_id       integer          NOT NULL,
  source         text             NOT NULL,
  value          double precision NOT NULL,
  occurred_at    timestamptz      NOT NULL,
  PRIMARY KEY (partition_date, event_id)
);
CREATE TABLE gold.demo_source_daily (
  partition_date date             NOT NULL,
  source         text             NOT NULL,
  events         integer          NOT NULL,
  value_mean     double precision NOT NULL,
  value_min      double precision NOT NULL,
  value_max      double precision NOT NULL,
  PRIMARY KEY (partition_date, source)
);
CREATE TABLE gold.demo_hourly (
  partition_date date             NOT NULL,
  hour           smallint         NOT NULL CHECK (hour BETWEEN 0 AND 23),
  events         integer          NOT NULL,
  value_mean     double precision NOT NULL,
  PRIMARY KEY (partition_date, hour)
);
CREATE TABLE gold.demo_daily_summary (
  partition_date date             PRIMARY KEY,
  events         integer          NOT NULL,
  sources        integer          NOT NULL,
  busiest_hour   smallint         NOT NULL,
  value_mean     double precision NOT NULL
);

-- Down Migration
DROP TABLE gold.demo_daily_summary, gold.demo_hourly, gold.demo_source_daily, silver.demo_events_clean;
DROP TABLE ops.backfills, ops.lineage;
DROP INDEX ops.step_runs_by_run;
ALTER TABLE ops.step_runs DROP COLUMN metrics, DROP COLUMN layer;
DELETE FROM ops.step_runs WHERE attempt = 0;
ALTER TABLE ops.step_runs DROP CONSTRAINT step_runs_attempt_check;
ALTER TABLE ops.step_runs ADD CONSTRAINT step_runs_attempt_check CHECK (attempt >= 1);
DROP INDEX ops.pipeline_runs_by_status, ops.pipeline_runs_by_backfill;
ALTER TABLE ops.pipeline_runs DROP COLUMN summary, DROP COLUMN scheduled_start, DROP COLUMN backfill_id;
