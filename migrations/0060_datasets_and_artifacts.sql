-- Datasets and models as first-class objects: a dataset is a name with content-addressed versions
-- (SHA-256 of the bytes; the same bytes are the same version) whose files live in object storage;
-- model versions keep their artifact in storage (URI, size, SHA-256) instead of a JSON column;
-- every deployment, rollback and gate decision is kept with who made it and why; aliases point at
-- versions; training runs can be queued, running, failed or killed, carry tags, artifacts and a
-- split, and metrics per step and epoch (the tracking API writes them from outside code).

-- Up Migration
CREATE TABLE registry.dataset_versions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dataset_id   bigint      NOT NULL REFERENCES registry.datasets (id) ON DELETE CASCADE,
  version      integer     NOT NULL CHECK (version >= 1),
  -- NULL only for snapshots recorded before content addressing (migrated below).
  sha256       text        CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- csv or parquet; NULL (with no object) for legacy snapshot records.
  format       text        CHECK (format IN ('csv', 'parquet')),
  object_key   text,
  object_uri   text,
  size_bytes   bigint      CHECK (size_bytes >= 0),
  rows         bigint      NOT NULL CHECK (rows >= 0),
  -- One entry per column: name, type, and its statistics (count, nulls, min, max, mean, std, quantiles, distinct).
  columns      jsonb       NOT NULL DEFAULT '[]',
  -- The first rows, as uploaded, for previews.
  preview      jsonb       NOT NULL DEFAULT '[]',
  -- Where the data came from: 'upload', or the silver table a training step snapshotted.
  source       text        NOT NULL DEFAULT 'upload',
  partitions   text[],
  class_counts jsonb,
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  purged_at    timestamptz,
  UNIQUE (dataset_id, version),
  UNIQUE (dataset_id, sha256),
  CHECK ((object_key IS NULL) = (sha256 IS NULL) AND (object_key IS NULL) = (format IS NULL))
);

-- Legacy snapshot records become versions: one dataset per name before the first "/" (the training
-- step named them exercise-windows/<partition>), numbered in the order they were recorded.
ALTER TABLE registry.training_runs ADD COLUMN dataset_version_id bigint REFERENCES registry.dataset_versions (id) ON DELETE SET NULL;
ALTER TABLE registry.training_runs ADD COLUMN split jsonb;
CREATE TEMP TABLE legacy_datasets ON COMMIT DROP AS
  SELECT d.*, split_part(d.name, '/', 1) AS new_name,
         min(d.id) OVER (PARTITION BY split_part(d.name, '/', 1)) AS survivor,
         row_number() OVER (PARTITION BY split_part(d.name, '/', 1) ORDER BY d.id) AS new_version
    FROM registry.datasets d;
-- (Their per-column statistics were never computed: columns stay empty.)
INSERT INTO registry.dataset_versions (dataset_id, version, rows, source, partitions, class_counts, created_at)
  SELECT survivor, new_version, rows, source, partitions, class_counts, created_at
    FROM legacy_datasets;
UPDATE registry.training_runs r
   SET dataset_version_id = v.id, split = l.split, dataset_id = l.survivor
  FROM legacy_datasets l JOIN registry.dataset_versions v ON v.dataset_id = l.survivor AND v.version = l.new_version
 WHERE r.dataset_id = l.id;
DELETE FROM registry.datasets d USING legacy_datasets l WHERE d.id = l.id AND l.id <> l.survivor;
UPDATE registry.datasets d SET name = l.new_name FROM legacy_datasets l WHERE d.id = l.id;

ALTER TABLE registry.datasets
  DROP COLUMN source, DROP COLUMN partitions, DROP COLUMN rows, DROP COLUMN features, DROP COLUMN class_counts, DROP COLUMN split,
  ADD COLUMN description text,
  ADD COLUMN created_by  text,
  ADD COLUMN deleted_at  timestamptz,
  ADD COLUMN deleted_by  text,
  -- When a deleted dataset's objects go for good; until then it can be restored.
  ADD COLUMN purge_after timestamptz,
  ADD CONSTRAINT datasets_name_unique UNIQUE (name),
  ADD CONSTRAINT datasets_name_shape CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  ADD CONSTRAINT datasets_purge_when_deleted CHECK ((deleted_at IS NULL) = (purge_after IS NULL));
-- The dataset is the version's; one column says which.
ALTER TABLE registry.training_runs DROP COLUMN dataset_id;
CREATE INDEX datasets_to_purge ON registry.datasets (purge_after) WHERE deleted_at IS NOT NULL;

-- Models: any task, and who created them.
ALTER TABLE registry.models DROP CONSTRAINT models_task_check;
ALTER TABLE registry.models
  ADD CONSTRAINT models_task_check CHECK (task IN ('classification', 'regression', 'other')),
  ADD CONSTRAINT models_name_shape CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  ADD COLUMN created_by text;

-- Training runs: queued by the API, running, or killed from outside; who started them and how.
ALTER TABLE registry.training_runs DROP CONSTRAINT training_runs_status_check;
ALTER TABLE registry.training_runs
  ADD CONSTRAINT training_runs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'killed')),
  ADD COLUMN name       text,
  ADD COLUMN source     text NOT NULL DEFAULT 'pipeline' CHECK (source IN ('pipeline', 'tracking')),
  ADD COLUMN created_by text,
  ADD COLUMN workflow_id text;

CREATE TABLE registry.run_tags (
  training_run_id bigint NOT NULL REFERENCES registry.training_runs (id) ON DELETE CASCADE,
  name            text   NOT NULL,
  value           text   NOT NULL,
  PRIMARY KEY (training_run_id, name)
);

CREATE TABLE registry.run_artifacts (
  training_run_id bigint      NOT NULL REFERENCES registry.training_runs (id) ON DELETE CASCADE,
  path            text        NOT NULL,
  object_key      text        NOT NULL,
  object_uri      text        NOT NULL,
  size_bytes      bigint      NOT NULL CHECK (size_bytes >= 0),
  sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (training_run_id, path)
);

-- Metrics per step and per epoch, with the time the training code measured them.
ALTER TABLE registry.metrics ADD COLUMN epoch integer, ADD COLUMN logged_at timestamptz;
DROP INDEX registry.metrics_by_run;
CREATE INDEX metrics_by_run ON registry.metrics (training_run_id, name, step, epoch);

-- Model versions: the artifact in object storage; the inline JSON only for versions made before.
ALTER TABLE registry.model_versions
  ALTER COLUMN artifact DROP NOT NULL,
  ALTER COLUMN feature_names SET DEFAULT '{}',
  ADD COLUMN artifact_key    text,
  ADD COLUMN artifact_uri    text,
  ADD COLUMN artifact_size   bigint CHECK (artifact_size >= 0),
  ADD COLUMN artifact_sha256 text CHECK (artifact_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN artifact_format text,
  ADD COLUMN created_by      text,
  ADD CONSTRAINT model_versions_has_artifact CHECK (artifact IS NOT NULL OR artifact_key IS NOT NULL),
  ADD CONSTRAINT model_versions_artifact_complete CHECK ((artifact_key IS NULL) = (artifact_sha256 IS NULL) AND (artifact_key IS NULL) = (artifact_size IS NULL));

-- Every change of a model's production version or aliases, and every gate decision, with who and why.
CREATE TABLE registry.promotions (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id         bigint      NOT NULL REFERENCES registry.models (id) ON DELETE CASCADE,
  model_version_id bigint      REFERENCES registry.model_versions (id) ON DELETE SET NULL,
  action           text        NOT NULL CHECK (action IN ('gate-promote', 'gate-reject', 'deploy', 'rollback', 'alias-set', 'alias-removed')),
  alias            text,
  -- The version this replaced (production before a deploy or rollback, the alias's before a move).
  previous_version_id bigint   REFERENCES registry.model_versions (id) ON DELETE SET NULL,
  reason           text        NOT NULL,
  -- An API key id, or "pipeline run N" for the automatic gate.
  actor            text        NOT NULL,
  actor_role       text,
  request_id       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX promotions_by_model ON registry.promotions (model_id, created_at DESC, id DESC);

-- Aliases in MLflow's sense: a name pointing at one version. "production" is not stored here: it is
-- the version whose status is production, which deploy, rollback and the gate move.
CREATE TABLE registry.model_aliases (
  model_id         bigint      NOT NULL REFERENCES registry.models (id) ON DELETE CASCADE,
  alias            text        NOT NULL CHECK (alias ~ '^[a-z][a-z0-9_-]{0,62}$' AND alias <> 'production'),
  model_version_id bigint      NOT NULL REFERENCES registry.model_versions (id) ON DELETE CASCADE,
  updated_by       text        NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_id, alias)
);

-- Down Migration
DROP TABLE registry.model_aliases, registry.promotions, registry.run_artifacts, registry.run_tags;
ALTER TABLE registry.model_versions
  DROP CONSTRAINT model_versions_has_artifact, DROP CONSTRAINT model_versions_artifact_complete,
  DROP COLUMN artifact_key, DROP COLUMN artifact_uri, DROP COLUMN artifact_size, DROP COLUMN artifact_sha256,
  DROP COLUMN artifact_format, DROP COLUMN created_by;
DELETE FROM registry.model_versions WHERE artifact IS NULL;
ALTER TABLE registry.model_versions ALTER COLUMN artifact SET NOT NULL, ALTER COLUMN feature_names DROP DEFAULT;
DROP INDEX registry.metrics_by_run;
ALTER TABLE registry.metrics DROP COLUMN epoch, DROP COLUMN logged_at;
CREATE INDEX metrics_by_run ON registry.metrics (training_run_id, name, step);
DELETE FROM registry.training_runs WHERE status NOT IN ('running', 'succeeded', 'failed');
ALTER TABLE registry.training_runs DROP CONSTRAINT training_runs_status_check;
ALTER TABLE registry.training_runs
  ADD CONSTRAINT training_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed')),
  DROP COLUMN name, DROP COLUMN source, DROP COLUMN created_by, DROP COLUMN workflow_id;
DELETE FROM registry.models WHERE task = 'other';
ALTER TABLE registry.models DROP CONSTRAINT models_task_check, DROP CONSTRAINT models_name_shape, DROP COLUMN created_by;
ALTER TABLE registry.models ADD CONSTRAINT models_task_check CHECK (task IN ('classification', 'regression'));
-- Each version becomes a dataset record again (named <dataset>/v<version>), as before.
ALTER TABLE registry.training_runs ADD COLUMN dataset_id bigint;
DROP INDEX registry.datasets_to_purge;
ALTER TABLE registry.datasets
  DROP CONSTRAINT datasets_name_unique, DROP CONSTRAINT datasets_name_shape, DROP CONSTRAINT datasets_purge_when_deleted,
  DROP COLUMN description, DROP COLUMN created_by, DROP COLUMN deleted_at, DROP COLUMN deleted_by, DROP COLUMN purge_after,
  ADD COLUMN source text, ADD COLUMN partitions text[], ADD COLUMN rows integer, ADD COLUMN features integer,
  ADD COLUMN class_counts jsonb, ADD COLUMN split jsonb, ADD COLUMN version_id bigint;
INSERT INTO registry.datasets (name, source, partitions, rows, features, class_counts, split, created_at, version_id)
  SELECT d.name || '/v' || v.version, v.source, coalesce(v.partitions, '{}'), v.rows, jsonb_array_length(v.columns), v.class_counts,
         coalesce((SELECT r.split FROM registry.training_runs r WHERE r.dataset_version_id = v.id LIMIT 1), '{}'), v.created_at, v.id
    FROM registry.dataset_versions v JOIN registry.datasets d ON d.id = v.dataset_id;
UPDATE registry.training_runs r SET dataset_id = d.id FROM registry.datasets d WHERE d.version_id = r.dataset_version_id;
DELETE FROM registry.datasets WHERE version_id IS NULL;
ALTER TABLE registry.datasets DROP COLUMN version_id;
ALTER TABLE registry.datasets
  ALTER COLUMN source SET NOT NULL, ALTER COLUMN partitions SET NOT NULL, ALTER COLUMN rows SET NOT NULL,
  ALTER COLUMN features SET NOT NULL, ALTER COLUMN split SET NOT NULL;
ALTER TABLE registry.training_runs
  ADD CONSTRAINT training_runs_dataset_id_fkey FOREIGN KEY (dataset_id) REFERENCES registry.datasets (id) ON DELETE SET NULL,
  DROP COLUMN dataset_version_id, DROP COLUMN split;
DROP TABLE registry.dataset_versions;
