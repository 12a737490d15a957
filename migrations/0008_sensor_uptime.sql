-- Sensor domain, device uptime (the pipeline CONTRIBUTING.md builds): in which hours of each day
-- every device delivered batches (silver), and each device's day (gold: hours reporting, longest
-- silence) for operators watching the devices. Default privileges give the worker read/write and
-- the API read access to gold; nothing else needs a grant.

-- Up Migration
CREATE TABLE silver.device_hourly_arrivals (
  partition_date date     NOT NULL,
  device_id      text     NOT NULL,
  hour           smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  batches        integer  NOT NULL,
  readings       integer  NOT NULL,
  PRIMARY KEY (partition_date, device_id, hour)
);

CREATE TABLE gold.device_uptime (
  partition_date        date     NOT NULL,
  device_id             text     NOT NULL,
  hours_reporting       smallint NOT NULL CHECK (hours_reporting BETWEEN 1 AND 24),
  longest_silence_hours smallint NOT NULL CHECK (longest_silence_hours BETWEEN 0 AND 23),
  batches               integer  NOT NULL,
  readings              integer  NOT NULL,
  PRIMARY KEY (partition_date, device_id)
);

-- Down Migration
DROP TABLE gold.device_uptime, silver.device_hourly_arrivals;
