-- Sensor domain, gold: each device's totals over every day (issue 19). The device listing
-- (GET /v1/devices) summed every day of gold.device_daily_activity for each device it answered, so
-- it cost more with each day behind it. The totals are now kept beside the days, by triggers on the
-- days table, in the transaction that writes them (whoever writes them: the summaries step, a repair
-- by hand), so the listing reads one row per device.

-- Up Migration
-- No CHECK on days: an INSERT … ON CONFLICT checks the row it proposes (a removed day counts -1)
-- before it finds the conflict; a device whose days reach 0 is deleted by the trigger.
CREATE TABLE gold.device_totals (
  device_id      text             PRIMARY KEY,
  first_day      date             NOT NULL,
  last_day       date             NOT NULL,
  days           integer          NOT NULL,
  readings       bigint           NOT NULL,
  sessions       bigint           NOT NULL,
  active_minutes double precision NOT NULL
);

-- Adds each changed device's days and sums (removed rows counted negative), drops a device left
-- with no days, then sets each changed device's first and last day from the days table (two index
-- probes a device). Writers of the days take one transaction lock first, held to their commit, so
-- two of them never deadlock on device rows, and each statement's snapshot already sees the days
-- every earlier writer committed.
CREATE FUNCTION gold.apply_device_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT device_id, 1, readings, sessions, active_minutes, partition_date FROM new_days'
    WHEN 'DELETE' THEN 'SELECT device_id, -1, -readings, -sessions, -active_minutes, partition_date FROM old_days'
    ELSE 'SELECT device_id, 1, readings, sessions, active_minutes, partition_date FROM new_days
          UNION ALL SELECT device_id, -1, -readings, -sessions, -active_minutes, partition_date FROM old_days' END;
  changed text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('gold.device_totals'));
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM gold.device_totals;
    RETURN NULL;
  END IF;
  EXECUTE format(
    'WITH added AS (
       INSERT INTO gold.device_totals AS t (device_id, first_day, last_day, days, readings, sessions, active_minutes)
       SELECT device_id, min(day), max(day), sum(days), sum(readings), sum(sessions), sum(active_minutes)
         FROM (%s) AS c(device_id, days, readings, sessions, active_minutes, day) GROUP BY device_id
       ON CONFLICT (device_id) DO UPDATE SET days = t.days + excluded.days, readings = t.readings + excluded.readings,
              sessions = t.sessions + excluded.sessions, active_minutes = t.active_minutes + excluded.active_minutes
       RETURNING device_id)
     SELECT array_agg(device_id) FROM added', changes) INTO changed;
  DELETE FROM gold.device_totals WHERE device_id = ANY(changed) AND days = 0;
  UPDATE gold.device_totals t
     SET first_day = (SELECT min(partition_date) FROM gold.device_daily_activity a WHERE a.device_id = t.device_id),
         last_day = (SELECT max(partition_date) FROM gold.device_daily_activity a WHERE a.device_id = t.device_id)
   WHERE t.device_id = ANY(changed);
  RETURN NULL;
END $$;

CREATE TRIGGER device_totals_on_insert AFTER INSERT ON gold.device_daily_activity REFERENCING NEW TABLE AS new_days
  FOR EACH STATEMENT EXECUTE FUNCTION gold.apply_device_totals();
CREATE TRIGGER device_totals_on_delete AFTER DELETE ON gold.device_daily_activity REFERENCING OLD TABLE AS old_days
  FOR EACH STATEMENT EXECUTE FUNCTION gold.apply_device_totals();
CREATE TRIGGER device_totals_on_update AFTER UPDATE ON gold.device_daily_activity REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days
  FOR EACH STATEMENT EXECUTE FUNCTION gold.apply_device_totals();
CREATE TRIGGER device_totals_on_truncate AFTER TRUNCATE ON gold.device_daily_activity
  FOR EACH STATEMENT EXECUTE FUNCTION gold.apply_device_totals();

INSERT INTO gold.device_totals
SELECT device_id, min(partition_date), max(partition_date), count(*), sum(readings), sum(sessions), sum(active_minutes)
  FROM gold.device_daily_activity GROUP BY device_id;

-- Down Migration
DROP TRIGGER device_totals_on_insert ON gold.device_daily_activity;
DROP TRIGGER device_totals_on_delete ON gold.device_daily_activity;
DROP TRIGGER device_totals_on_update ON gold.device_daily_activity;
DROP TRIGGER device_totals_on_truncate ON gold.device_daily_activity;
DROP FUNCTION gold.apply_device_totals();
DROP TABLE gold.device_totals;
