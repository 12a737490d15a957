-- Sensor domain, bronze: device readings and exercise sessions as received, append-only, with the
-- batches that delivered them (a batch id seen before is a duplicate and is not stored again).

-- Up Migration
CREATE TABLE bronze.ingest_batches (
  device_id   text        NOT NULL,
  batch_id    text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('readings', 'session')),
  items       integer     NOT NULL,
  key_id      text        NOT NULL,
  request_id  text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, batch_id)
);

CREATE TABLE bronze.imu_readings (
  device_id   text             NOT NULL,
  batch_id    text             NOT NULL,
  session_id  text,
  ts          timestamptz      NOT NULL,
  ax          double precision NOT NULL,
  ay          double precision NOT NULL,
  az          double precision NOT NULL,
  gx          double precision NOT NULL,
  gy          double precision NOT NULL,
  gz          double precision NOT NULL,
  mx          double precision,
  my          double precision,
  mz          double precision,
  received_at timestamptz      NOT NULL
);
-- Readings arrive roughly in time order, so a BRIN index finds a day's rows at almost no write cost.
CREATE INDEX imu_readings_ts ON bronze.imu_readings USING brin (ts) WITH (pages_per_range = 32);

CREATE TABLE bronze.exercise_sessions (
  device_id   text        NOT NULL,
  session_id  text        NOT NULL,
  batch_id    text        NOT NULL,
  exercise    text,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  notes       text,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exercise_sessions_by_session ON bronze.exercise_sessions (device_id, session_id, received_at DESC);

-- ingest may add to these three tables and nothing else; it reads only batch keys, to tell duplicates.
GRANT INSERT ON bronze.ingest_batches, bronze.imu_readings, bronze.exercise_sessions TO refinery_ingest;
GRANT SELECT (device_id, batch_id) ON bronze.ingest_batches TO refinery_ingest;

-- Down Migration
DROP TABLE bronze.exercise_sessions, bronze.imu_readings, bronze.ingest_batches;
