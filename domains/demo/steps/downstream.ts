// Gold steps of the demo's downstream pipelines, which data-aware triggers start: a day's data
// quality (what cleaning kept of what landed) once the demo day succeeded, and a week's totals
// from the days of it that succeeded so far.
import { replacePartitionFromQuery } from '../../../lib/db/copy.ts';
import { daysOfWeek } from '../../../engine/pipeline/partitions.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const measureDemoQuality: StepFactory =
  ({ pools }) =>
  async (input) => {
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'gold.demo_quality', columns: ['partition_date', 'landed', 'kept', 'dropped_share', 'sources'] },
      { partition_date: input.partition },
      `SELECT $1::date, l.n, k.n, CASE WHEN l.n = 0 THEN 0 ELSE 1 - k.n::float8 / l.n END, k.sources
         FROM (SELECT count(*)::int AS n FROM bronze.demo_events WHERE partition_date = $1) l,
              (SELECT count(*)::int AS n, count(DISTINCT source)::int AS sources FROM silver.demo_events_clean WHERE partition_date = $1) k`,
      [input.partition],
    );
    return { written: { 'gold.demo_quality': inserted } };
  };

export const summariseDemoWeek: StepFactory =
  ({ pools }) =>
  async (input) => {
    const days = daysOfWeek(input.partition);
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'gold.demo_weekly', columns: ['week', 'days', 'events', 'value_mean'] },
      { week: input.partition },
      `SELECT $1::text, count(*)::smallint, sum(events)::int, (sum(value_mean::numeric * events) / sum(events))::float8
         FROM gold.demo_daily_summary WHERE partition_date = ANY($2::date[]) HAVING count(*) > 0`,
      [input.partition, days],
    );
    return { written: { 'gold.demo_weekly': inserted }, partitions: { reads: days.map((d) => ({ table: 'gold.demo_daily_summary', partition: d })) } };
  };
