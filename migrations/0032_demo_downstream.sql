-- Demo downstream pipelines, run by data-aware triggers: demo_quality (one row per day, after the
-- demo day succeeds) and demo_weekly (one row per ISO week, after any day of it succeeds).

-- Up Migration
CREATE TABLE gold.demo_quality (
  partition_date date             PRIMARY KEY,
  landed         integer          NOT NULL,
  kept           integer          NOT NULL,
  dropped_share  double precision NOT NULL CHECK (dropped_share BETWEEN 0 AND 1),
  sources        integer          NOT NULL
);
CREATE TABLE gold.demo_weekly (
  week       text             PRIMARY KEY CHECK (week ~ '^\d{4}-W\d{2}$'),
  days       smallint         NOT NULL CHECK (days BETWEEN 1 AND 7),
  events     integer          NOT NULL,
  value_mean double precision NOT NULL
);

-- Down Migration
DROP TABLE gold.demo_weekly, gold.demo_quality;
