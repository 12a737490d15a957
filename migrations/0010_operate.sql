-- Operating pipelines: step logs and error details per attempt, every check result, steps reused
-- by partial re-runs, notification targets, events and deliveries, deadline and freshness alerts,
-- and the concurrency probe the pool tests and benches count with.

-- Up Migration

-- A partial re-run records the steps it did not run as 'reused', pointing at the run that produced them.
ALTER TABLE ops.step_runs DROP CONSTRAINT step_runs_status_check;
ALTER TABLE ops.step_runs ADD CONSTRAINT step_runs_status_check
  CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled', 'reused'));
ALTER TABLE ops.step_runs
  ADD COLUMN reused_from  bigint REFERENCES ops.pipeline_runs (id) ON DELETE SET NULL,
  -- { type, message, stack, causes: [{ type, message, stack }] }, secrets redacted.
  ADD COLUMN error_detail jsonb;
-- What the run was asked to run ({ fromFailure } or { steps }) and its task priority (1 = first).
ALTER TABLE ops.pipeline_runs ADD COLUMN selection jsonb, ADD COLUMN priority smallint;

-- The grid reads the latest run per partition of one pipeline over a range.
CREATE INDEX pipeline_runs_latest ON ops.pipeline_runs (pipeline, partition_key, started_at DESC, id DESC);
DROP INDEX ops.pipeline_runs_by_partition;

-- Log lines of one attempt. seq counts from 1; lines older than the kept window are deleted, so the
-- first kept seq - 1 is the number dropped.
CREATE TABLE ops.step_logs (
  step_run_id bigint      NOT NULL REFERENCES ops.step_runs (id) ON DELETE CASCADE,
  seq         integer     NOT NULL,
  at          timestamptz NOT NULL,
  level       text        NOT NULL CHECK (level IN ('trace', 'debug', 'info', 'warn', 'error', 'fatal')),
  message     text        NOT NULL,
  fields      jsonb,
  PRIMARY KEY (step_run_id, seq)
);

-- Every check of an attempt, passed or not, with what it observed.
CREATE TABLE ops.check_results (
  step_run_id bigint  NOT NULL REFERENCES ops.step_runs (id) ON DELETE CASCADE,
  position    integer NOT NULL,
  name        text    NOT NULL,
  severity    text    NOT NULL CHECK (severity IN ('error', 'warn')),
  passed      boolean NOT NULL,
  observed    double precision,
  detail      text    NOT NULL,
  PRIMARY KEY (step_run_id, position)
);

-- Webhook targets. The URL is a secret (a Slack webhook URL is a credential): the API role cannot read it.
CREATE TABLE ops.notification_targets (
  name       text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  url        text        NOT NULL CHECK (url ~ '^https?://'),
  format     text        NOT NULL CHECK (format IN ('json', 'slack')),
  -- Event types this target receives; NULL = all.
  events     text[],
  -- Targets every pipeline that names none of its own notifies.
  is_default boolean     NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON ops.notification_targets FROM refinery_api;

-- An event happens once (its id is derived from what it is about) and is the receivers' idempotency key.
CREATE TABLE ops.notification_events (
  id            text        PRIMARY KEY,
  type          text        NOT NULL CHECK (type IN ('run.failed', 'run.recovered', 'backfill.finished', 'backfill.failed',
                                                     'deadline.missed', 'freshness.exceeded', 'check.warning', 'test')),
  pipeline      text,
  partition_key text,
  run_id        bigint REFERENCES ops.pipeline_runs (id) ON DELETE SET NULL,
  backfill_id   text,
  occurred_at   timestamptz NOT NULL DEFAULT now(),
  payload       jsonb       NOT NULL
);
CREATE INDEX notification_events_by_time ON ops.notification_events (occurred_at DESC);

CREATE TABLE ops.notification_deliveries (
  event_id      text        NOT NULL REFERENCES ops.notification_events (id) ON DELETE CASCADE,
  target        text        NOT NULL,
  status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
  attempts      integer     NOT NULL DEFAULT 0,
  response_code integer,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, target)
);
CREATE INDEX notification_deliveries_by_status ON ops.notification_deliveries (status, updated_at DESC);

-- A missed deadline or exceeded freshness: open until resolved_at (the partition succeeded / fresh data).
CREATE TABLE ops.alerts (
  id            text        PRIMARY KEY,
  kind          text        NOT NULL CHECK (kind IN ('deadline', 'freshness')),
  pipeline      text        NOT NULL,
  partition_key text,
  due_at        timestamptz NOT NULL,
  raised_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  detail        text        NOT NULL
);
CREATE INDEX alerts_open ON ops.alerts (pipeline, kind) WHERE resolved_at IS NULL;

-- The `probe` control step: which holders are inside a probe now, and the most ever seen at once.
CREATE TABLE ops.concurrency_probes (
  probe      text        NOT NULL,
  holder     text        NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (probe, holder)
);
CREATE TABLE ops.concurrency_peaks (
  probe   text    PRIMARY KEY,
  peak    integer NOT NULL,
  entries integer NOT NULL
);

-- Down Migration
DROP TABLE ops.concurrency_peaks, ops.concurrency_probes, ops.alerts, ops.notification_deliveries, ops.notification_events,
  ops.notification_targets, ops.check_results, ops.step_logs;
CREATE INDEX pipeline_runs_by_partition ON ops.pipeline_runs (pipeline, partition_key, started_at DESC);
DROP INDEX ops.pipeline_runs_latest;
ALTER TABLE ops.pipeline_runs DROP COLUMN priority, DROP COLUMN selection;
ALTER TABLE ops.step_runs DROP COLUMN error_detail, DROP COLUMN reused_from;
DELETE FROM ops.step_runs WHERE status = 'reused';
ALTER TABLE ops.step_runs DROP CONSTRAINT step_runs_status_check;
ALTER TABLE ops.step_runs ADD CONSTRAINT step_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled'));
