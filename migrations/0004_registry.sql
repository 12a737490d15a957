-- The model registry (the nine tables of the model database in seed 001): models and their
-- versions, the datasets they were trained on, training runs with hyperparameters and metrics,
-- experiments grouping runs, and a log of predictions made with each version.

-- Up Migration
CREATE TABLE registry.models (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text        NOT NULL UNIQUE,
  task        text        NOT NULL CHECK (task IN ('classification', 'regression')),
  algorithm   text        NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.datasets (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text        NOT NULL,
  source        text        NOT NULL,
  partitions    text[]      NOT NULL,
  rows          integer     NOT NULL,
  features      integer     NOT NULL,
  class_counts  jsonb,
  split         jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.training_runs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id        bigint      NOT NULL REFERENCES registry.models (id) ON DELETE CASCADE,
  dataset_id      bigint      REFERENCES registry.datasets (id) ON DELETE SET NULL,
  pipeline_run_id bigint,
  partition_key   text,
  status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  seed            bigint,
  started_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  error           text
);
CREATE INDEX training_runs_by_model ON registry.training_runs (model_id, started_at DESC);
CREATE INDEX training_runs_by_status ON registry.training_runs (status);
-- One training run per model and pipeline run: a retried step replaces its own, a re-run adds one.
CREATE UNIQUE INDEX training_runs_one_per_pipeline_run ON registry.training_runs (model_id, pipeline_run_id) WHERE pipeline_run_id IS NOT NULL;

CREATE TABLE registry.hyperparameters (
  training_run_id bigint NOT NULL REFERENCES registry.training_runs (id) ON DELETE CASCADE,
  name            text   NOT NULL,
  value           jsonb  NOT NULL,
  PRIMARY KEY (training_run_id, name)
);

CREATE TABLE registry.metrics (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  training_run_id bigint           NOT NULL REFERENCES registry.training_runs (id) ON DELETE CASCADE,
  name            text             NOT NULL,
  value           double precision,
  step            integer,
  label           text,
  details         jsonb,
  recorded_at     timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX metrics_by_run ON registry.metrics (training_run_id, name, step);

CREATE TABLE registry.model_versions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id        bigint      NOT NULL REFERENCES registry.models (id) ON DELETE CASCADE,
  version         integer     NOT NULL,
  training_run_id bigint      REFERENCES registry.training_runs (id) ON DELETE SET NULL,
  status          text        NOT NULL CHECK (status IN ('candidate', 'production', 'archived', 'rejected')),
  artifact        jsonb       NOT NULL,
  feature_names   text[]      NOT NULL,
  classes         text[],
  gate            jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  promoted_at     timestamptz,
  UNIQUE (model_id, version)
);
CREATE INDEX model_versions_by_status ON registry.model_versions (status);
-- At most one production version per model, enforced by the database.
CREATE UNIQUE INDEX model_versions_one_production ON registry.model_versions (model_id) WHERE status = 'production';

CREATE TABLE registry.experiments (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text        NOT NULL UNIQUE,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.experiment_runs (
  experiment_id   bigint      NOT NULL REFERENCES registry.experiments (id) ON DELETE CASCADE,
  training_run_id bigint      NOT NULL REFERENCES registry.training_runs (id) ON DELETE CASCADE,
  note            text,
  added_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (experiment_id, training_run_id)
);

CREATE TABLE registry.predictions (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_version_id bigint      NOT NULL REFERENCES registry.model_versions (id) ON DELETE CASCADE,
  source           text        NOT NULL,
  partition_key    text,
  items            integer     NOT NULL,
  summary          jsonb,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX predictions_by_time ON registry.predictions (created_at DESC);
CREATE UNIQUE INDEX predictions_one_per_partition ON registry.predictions (model_version_id, source, partition_key) WHERE partition_key IS NOT NULL;

-- Down Migration
DROP TABLE registry.predictions, registry.experiment_runs, registry.experiments, registry.model_versions,
  registry.metrics, registry.hyperparameters, registry.training_runs, registry.datasets, registry.models;
