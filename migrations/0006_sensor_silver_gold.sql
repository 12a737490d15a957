-- Sensor domain, silver and gold: cleaned windows with their features (and the catalogue naming
-- every feature), the sessions' latest labels, cleaning counts, and the gold predictions,
-- session summaries and per-device daily activity the API serves.

-- Up Migration
CREATE TABLE silver.feature_catalogue (
  catalogue     text    NOT NULL,
  feature_index integer NOT NULL,
  name          text    NOT NULL,
  feature_group text    NOT NULL,
  channel       text    NOT NULL,
  unit          text,
  description   text    NOT NULL,
  PRIMARY KEY (catalogue, feature_index),
  UNIQUE (catalogue, name)
);

CREATE TABLE silver.imu_windows (
  partition_date date             NOT NULL,
  device_id      text             NOT NULL,
  session_id     text,
  window_index   integer          NOT NULL,
  start_ts       timestamptz      NOT NULL,
  end_ts         timestamptz      NOT NULL,
  samples        integer          NOT NULL,
  sample_rate_hz double precision NOT NULL,
  features       double precision[] NOT NULL,
  PRIMARY KEY (partition_date, device_id, window_index)
);
CREATE INDEX imu_windows_by_session ON silver.imu_windows (session_id) WHERE session_id IS NOT NULL;

CREATE TABLE silver.imu_cleaning (
  partition_date       date    NOT NULL,
  device_id            text    NOT NULL,
  readings_in          integer NOT NULL,
  kept                 integer NOT NULL,
  non_finite           integer NOT NULL,
  out_of_range         integer NOT NULL,
  duplicates           integer NOT NULL,
  magnetometer_cleared integer NOT NULL,
  windows              integer NOT NULL,
  PRIMARY KEY (partition_date, device_id)
);

CREATE TABLE silver.exercise_sessions (
  partition_date date        NOT NULL,
  device_id      text        NOT NULL,
  session_id     text        NOT NULL,
  exercise       text,
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz,
  PRIMARY KEY (partition_date, device_id, session_id)
);

CREATE TABLE gold.window_predictions (
  partition_date   date             NOT NULL,
  device_id        text             NOT NULL,
  window_index     integer          NOT NULL,
  session_id       text,
  start_ts         timestamptz      NOT NULL,
  end_ts           timestamptz      NOT NULL,
  model_version_id bigint           NOT NULL,
  predicted        text             NOT NULL,
  probability      double precision NOT NULL,
  probabilities    jsonb            NOT NULL,
  PRIMARY KEY (partition_date, device_id, window_index)
);
CREATE INDEX window_predictions_by_session ON gold.window_predictions (session_id) WHERE session_id IS NOT NULL;

CREATE TABLE gold.session_summaries (
  partition_date     date             NOT NULL,
  device_id          text             NOT NULL,
  session_id         text             NOT NULL,
  started_at         timestamptz      NOT NULL,
  ended_at           timestamptz      NOT NULL,
  duration_s         double precision NOT NULL,
  windows            integer          NOT NULL,
  predicted_exercise text             NOT NULL,
  confidence         double precision NOT NULL,
  label              text,
  agrees             boolean,
  model_version_id   bigint           NOT NULL,
  PRIMARY KEY (partition_date, device_id, session_id)
);

CREATE TABLE gold.device_daily_activity (
  partition_date   date             NOT NULL,
  device_id        text             NOT NULL,
  readings         integer          NOT NULL,
  windows          integer          NOT NULL,
  sessions         integer          NOT NULL,
  active_minutes   double precision NOT NULL,
  minutes_by_exercise jsonb         NOT NULL,
  top_exercise     text,
  PRIMARY KEY (partition_date, device_id)
);

-- Down Migration
DROP TABLE gold.device_daily_activity, gold.session_summaries, gold.window_predictions;
DROP TABLE silver.exercise_sessions, silver.imu_cleaning, silver.imu_windows, silver.feature_catalogue;
