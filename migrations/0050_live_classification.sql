-- Live classification: each device's tail (the readings since its next window's start, and its
-- window count of the day) in PostgreSQL so any API process can continue any device; the predictions
-- made live, per window with the model version, in the registry (read by SSE and polling clients);
-- and the clock offset a device declared for a batch, so bronze's server-time timestamps can be
-- traced back to what the device sent.

-- Up Migration
CREATE SCHEMA live;

CREATE TABLE live.device_tails (
  device_id       text        PRIMARY KEY,
  session_id      text,
  -- timestamp and nine channels per reading, float8 little-endian, row by row (lib/imu/live-windows.ts)
  readings        bytea       NOT NULL DEFAULT '\x',
  last_ts         timestamptz,
  count_day       date,
  windows_on_day  integer     NOT NULL DEFAULT 0,
  last_event_id   bigint      NOT NULL DEFAULT 0,
  last_prediction jsonb,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.live_predictions (
  device_id        text             NOT NULL,
  -- per device, 1, 2, 3, … in the order windows were classified: the SSE event id
  event_id         bigint           NOT NULL,
  model_version_id bigint           NOT NULL REFERENCES registry.model_versions (id) ON DELETE CASCADE,
  session_id       text,
  window_day       date             NOT NULL,
  window_index     integer          NOT NULL,
  start_ts         timestamptz      NOT NULL,
  end_ts           timestamptz      NOT NULL,
  predicted        text             NOT NULL,
  probability      double precision NOT NULL,
  probabilities    jsonb            NOT NULL,
  classified_at    timestamptz      NOT NULL,
  PRIMARY KEY (device_id, event_id)
);
CREATE INDEX live_predictions_by_model_version ON registry.live_predictions (model_version_id, classified_at);

ALTER TABLE bronze.ingest_batches ADD COLUMN clock_offset_ms bigint;

-- ingest lands batches and, in the same transaction, continues the devices' windows and logs what
-- the production model said about them; nothing else.
GRANT USAGE ON SCHEMA live TO refinery_ingest, refinery_worker;
GRANT SELECT, INSERT, UPDATE ON live.device_tails TO refinery_ingest;
GRANT SELECT, INSERT, UPDATE, DELETE ON live.device_tails TO refinery_worker;
GRANT USAGE ON SCHEMA registry TO refinery_ingest;
GRANT INSERT ON registry.live_predictions TO refinery_ingest;
-- one row per model version per ingest transaction that classified windows (source 'registry.live_predictions')
GRANT INSERT ON registry.predictions TO refinery_ingest;

-- Down Migration
ALTER TABLE bronze.ingest_batches DROP COLUMN clock_offset_ms;
DROP TABLE registry.live_predictions;
REVOKE INSERT ON registry.predictions FROM refinery_ingest;
REVOKE USAGE ON SCHEMA registry FROM refinery_ingest;
DROP SCHEMA live CASCADE;
