-- Curated views to start from, for analysts and data scientists connecting with SQL (README
-- "Connecting with SQL"): the model catalogue, the training history with headline metrics and the
-- dataset version each run used, and the labelled windows the exercise classifier learns from.
-- Created by the owner in schemas whose default privileges already let refinery_api and
-- refinery_analyst read new tables and views.

-- Up Migration
CREATE VIEW registry.model_catalogue AS
SELECT m.name AS model, m.task, v.version, v.status,
       ARRAY(SELECT a.alias FROM registry.model_aliases a WHERE a.model_version_id = v.id ORDER BY a.alias) AS aliases,
       v.created_at, v.promoted_at, r.id AS training_run_id, d.name AS dataset, dv.version AS dataset_version, dv.sha256 AS dataset_sha256,
       coalesce((SELECT jsonb_object_agg(x.name, x.value) FROM registry.metrics x
                  WHERE x.training_run_id = r.id AND x.label IS NULL AND x.step IS NULL AND x.epoch IS NULL AND x.value IS NOT NULL), '{}') AS metrics,
       v.artifact_uri, v.artifact_sha256, v.artifact_size
  FROM registry.model_versions v
  JOIN registry.models m ON m.id = v.model_id
  LEFT JOIN registry.training_runs r ON r.id = v.training_run_id
  LEFT JOIN registry.dataset_versions dv ON dv.id = r.dataset_version_id
  LEFT JOIN registry.datasets d ON d.id = dv.dataset_id;

CREATE VIEW registry.training_history AS
SELECT r.id AS training_run_id, m.name AS model, r.status, r.source, r.name, r.started_at, r.ended_at, r.ended_at - r.started_at AS duration,
       r.error, d.name AS dataset, dv.version AS dataset_version, dv.sha256 AS dataset_sha256, r.split,
       coalesce((SELECT jsonb_object_agg(h.name, h.value) FROM registry.hyperparameters h WHERE h.training_run_id = r.id), '{}') AS hyperparameters,
       coalesce((SELECT jsonb_object_agg(x.name, x.value) FROM registry.metrics x
                  WHERE x.training_run_id = r.id AND x.label IS NULL AND x.step IS NULL AND x.epoch IS NULL AND x.value IS NOT NULL), '{}') AS metrics
  FROM registry.training_runs r
  JOIN registry.models m ON m.id = r.model_id
  LEFT JOIN registry.dataset_versions dv ON dv.id = r.dataset_version_id
  LEFT JOIN registry.datasets d ON d.id = dv.dataset_id;

CREATE VIEW silver.labelled_windows AS
SELECT w.partition_date, w.device_id, w.session_id, w.window_index, w.start_ts, w.end_ts, s.exercise AS label, w.features
  FROM silver.imu_windows w
  JOIN silver.exercise_sessions s ON s.partition_date = w.partition_date AND s.device_id = w.device_id AND s.session_id = w.session_id
 WHERE s.exercise IS NOT NULL;

-- Down Migration
DROP VIEW silver.labelled_windows, registry.training_history, registry.model_catalogue;
