// Steps of the uptime pipeline: the day's batches counted per device and hour of arrival (silver),
// then each device's day summarised (gold). Both replace their partition in one statement, so a
// re-run leaves the rows of a clean run.
import { replacePartitionFromQuery } from '../../../lib/db/copy.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

/** bronze.ingest_batches has no partition column: a day ($1) is the batches received in it (UTC), found by an index on received_at. */
export const hourlyArrivalsQuery = `SELECT $1::date, device_id, extract(hour FROM received_at AT TIME ZONE 'UTC')::smallint, count(*), coalesce(sum(items) FILTER (WHERE kind = 'readings'), 0)
   FROM bronze.ingest_batches
  WHERE received_at >= $1::date::timestamp AT TIME ZONE 'UTC' AND received_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
  GROUP BY 2, 3`;

export const countHourlyArrivals: StepFactory =
  ({ pools }) =>
  async (input) => {
    const day = input.partition;
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'silver.device_hourly_arrivals', columns: ['partition_date', 'device_id', 'hour', 'batches', 'readings'] },
      { partition_date: day },
      hourlyArrivalsQuery,
      [day],
    );
    const { rows } = await pools.worker.query<{ batches: number }>(
      'SELECT coalesce(sum(batches), 0)::int AS batches FROM silver.device_hourly_arrivals WHERE partition_date = $1',
      [day],
    );
    return {
      read: { 'bronze.ingest_batches': rows[0]!.batches },
      written: { 'silver.device_hourly_arrivals': inserted },
      partitions: { reads: [{ table: 'bronze.ingest_batches', partition: day }] },
    };
  };

/** The longest silence counts the hours before the first arrival and after the last one too. */
export const summariseDeviceUptime: StepFactory =
  ({ pools }) =>
  async (input) => {
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'gold.device_uptime', columns: ['partition_date', 'device_id', 'hours_reporting', 'longest_silence_hours', 'batches', 'readings'] },
      { partition_date: input.partition },
      `SELECT partition_date, device_id, count(*), greatest(min(hour), 23 - max(hour), coalesce(max(gap), 0)), sum(batches), sum(readings)
         FROM (SELECT *, lead(hour) OVER (PARTITION BY device_id ORDER BY hour) - hour - 1 AS gap
                 FROM silver.device_hourly_arrivals WHERE partition_date = $1) a
        GROUP BY partition_date, device_id`,
      [input.partition],
    );
    return { written: { 'gold.device_uptime': inserted } };
  };
