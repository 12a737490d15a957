// Gold steps of the demo pipeline: per-source and per-hour aggregates, and the day's summary.
// Means are summed in numeric: float sums depend on row order, and a re-run must give equal rows.
import { replacePartitionFromQuery } from '../../../lib/db/copy.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const aggregateDemoBySource: StepFactory =
  ({ pools }) =>
  async (input) => {
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'gold.demo_source_daily', columns: ['partition_date', 'source', 'events', 'value_mean', 'value_min', 'value_max'] },
      { partition_date: input.partition },
      `SELECT partition_date, source, count(*), avg(value::numeric)::float8, min(value), max(value)
       FROM silver.demo_events_clean WHERE partition_date = $1 GROUP BY partition_date, source`,
      [input.partition],
    );
    return { written: { 'gold.demo_source_daily': inserted } };
  };

export const aggregateDemoByHour: StepFactory =
  ({ pools }) =>
  async (input) => {
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'gold.demo_hourly', columns: ['partition_date', 'hour', 'events', 'value_mean'] },
      { partition_date: input.partition },
      `SELECT partition_date, extract(hour FROM occurred_at AT TIME ZONE 'UTC')::smallint, count(*), avg(value::numeric)::float8
       FROM silver.demo_events_clean WHERE partition_date = $1 GROUP BY 1, 2`,
      [input.partition],
    );
    return { written: { 'gold.demo_hourly': inserted } };
  };

export const summariseDemoDay: StepFactory =
  ({ pools }) =>
  async (input) => {
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'gold.demo_daily_summary', columns: ['partition_date', 'events', 'sources', 'busiest_hour', 'value_mean'] },
      { partition_date: input.partition },
      `SELECT h.partition_date, sum(h.events)::int, (SELECT count(*) FROM gold.demo_source_daily s WHERE s.partition_date = $1),
            (array_agg(h.hour ORDER BY h.events DESC, h.hour))[1], (sum(h.value_mean::numeric * h.events) / sum(h.events))::float8
       FROM gold.demo_hourly h WHERE h.partition_date = $1 GROUP BY h.partition_date`,
      [input.partition],
    );
    return { written: { 'gold.demo_daily_summary': inserted } };
  };
