-- Reads whose cost must not grow with the days behind them (issue 19): a device's sessions page and
-- one session (the API), a device's activity over a few days (the API), and a day's batches by
-- arrival (the uptime pipeline). Each had only indexes led by the day, or none, and so scanned
-- every day kept.

-- Up Migration
-- GET /devices/{id}/sessions: newest first, keyset-paged on (started_at, session_id).
CREATE INDEX session_summaries_by_device ON gold.session_summaries (device_id, started_at DESC, session_id DESC);
-- GET /devices/{id}/sessions/{sessionId}: the session's latest day.
CREATE INDEX session_summaries_by_session ON gold.session_summaries (device_id, session_id, partition_date DESC);
-- GET /devices/{id}/activity?from&to: one device's days, not every device's days in the range.
CREATE INDEX device_daily_activity_by_device ON gold.device_daily_activity (device_id, partition_date);
-- The uptime pipeline's day of batches by arrival. A b-tree, not BRIN: batches of a day do not lie
-- together on disk when days are loaded or restored out of order (bench/growth.ts loads its history
-- newest first, and a BRIN index there read every page), and one entry per batch of up to 500
-- readings costs ingest next to nothing.
CREATE INDEX ingest_batches_by_arrival ON bronze.ingest_batches (received_at);

-- Down Migration
DROP INDEX bronze.ingest_batches_by_arrival;
DROP INDEX gold.device_daily_activity_by_device, gold.session_summaries_by_session, gold.session_summaries_by_device;
