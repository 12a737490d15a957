// The demo pipeline: a day of synthetic events landed in bronze, cleaned into silver, and fanned
// out to two gold aggregates that a daily summary joins. Small, fast, and it exercises every
// feature of the interpreter (layers, fan-out/fan-in, both queues, checks).
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';

export const demoPipeline: PipelineDefinition = {
  name: 'demo',
  description: 'Synthetic events → cleaned events → per-source and per-hour aggregates → daily summary',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  schedule: { cron: '0 1 * * *', timezone: 'UTC' },
  steps: [
    {
      id: 'land',
      activity: 'landDemoEvents',
      layer: 'bronze',
      params: { count: 10_000 },
      writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
      checks: [{ kind: 'rowCount', table: 'bronze.demo_events', min: 1 }],
    },
    {
      id: 'clean',
      activity: 'cleanDemoEvents',
      layer: 'silver',
      dependsOn: ['land'],
      queue: 'compute',
      reads: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
      writes: [{ table: 'silver.demo_events_clean', partitionColumn: 'partition_date' }],
      checks: [
        { kind: 'rowCount', table: 'silver.demo_events_clean', min: 1 },
        { kind: 'notNull', table: 'silver.demo_events_clean', columns: ['source', 'value', 'occurred_at'] },
        { kind: 'unique', table: 'silver.demo_events_clean', columns: ['event_id'] },
        { kind: 'range', table: 'silver.demo_events_clean', column: 'value', min: -100, max: 100 },
        { kind: 'predicate', table: 'silver.demo_events_clean', name: 'single-line source', predicate: "source !~ '[\\t\\n\\r]'" },
      ],
    },
    {
      id: 'by_source',
      activity: 'aggregateDemoBySource',
      layer: 'gold',
      dependsOn: ['clean'],
      reads: [{ table: 'silver.demo_events_clean', partitionColumn: 'partition_date' }],
      writes: [{ table: 'gold.demo_source_daily', partitionColumn: 'partition_date' }],
      checks: [{ kind: 'rowCount', table: 'gold.demo_source_daily', min: 1 }],
    },
    {
      id: 'by_hour',
      activity: 'aggregateDemoByHour',
      layer: 'gold',
      dependsOn: ['clean'],
      reads: [{ table: 'silver.demo_events_clean', partitionColumn: 'partition_date' }],
      writes: [{ table: 'gold.demo_hourly', partitionColumn: 'partition_date' }],
      checks: [{ kind: 'rowCount', table: 'gold.demo_hourly', min: 1, max: 24 }],
    },
    {
      id: 'summary',
      activity: 'summariseDemoDay',
      layer: 'gold',
      dependsOn: ['by_source', 'by_hour'],
      reads: [
        { table: 'gold.demo_source_daily', partitionColumn: 'partition_date' },
        { table: 'gold.demo_hourly', partitionColumn: 'partition_date' },
      ],
      writes: [{ table: 'gold.demo_daily_summary', partitionColumn: 'partition_date' }],
      checks: [
        {
          kind: 'sql',
          name: 'summary agrees with hourly totals',
          query: `SELECT count(*) AS failures FROM gold.demo_daily_summary s
                  WHERE s.partition_date = $1::date
                    AND s.events <> (SELECT sum(events) FROM gold.demo_hourly h WHERE h.partition_date = $1::date)`,
        },
      ],
    },
  ],
};

/** Runs after each demo day succeeds (daily → daily): what cleaning kept of what landed. */
export const demoQualityPipeline: PipelineDefinition = {
  name: 'demo_quality',
  description: 'After each demo day: the share of landed events that cleaning dropped',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  inputs: [{ kind: 'upstream', pipeline: 'demo' }],
  triggers: { on: ['upstream'] },
  steps: [
    {
      id: 'quality',
      activity: 'measureDemoQuality',
      layer: 'gold',
      reads: [
        { table: 'bronze.demo_events', partitionColumn: 'partition_date' },
        { table: 'silver.demo_events_clean', partitionColumn: 'partition_date' },
      ],
      writes: [{ table: 'gold.demo_quality', partitionColumn: 'partition_date' }],
      checks: [
        { kind: 'rowCount', table: 'gold.demo_quality', min: 1, max: 1 },
        { kind: 'predicate', table: 'gold.demo_quality', name: 'kept within landed', predicate: 'kept <= landed' },
      ],
    },
  ],
};

/** Runs after any day of an ISO week succeeds (many days → one week): the week so far. */
export const demoWeeklyPipeline: PipelineDefinition = {
  name: 'demo_weekly',
  description: "Each ISO week's demo totals, updated whenever one of its days succeeds",
  partitioning: { kind: 'weekly', timezone: 'UTC' },
  inputs: [{ kind: 'upstream', pipeline: 'demo', mapping: 'week' }],
  triggers: { on: ['upstream'], when: 'any' },
  steps: [
    {
      id: 'week',
      activity: 'summariseDemoWeek',
      layer: 'gold',
      reads: [{ table: 'gold.demo_daily_summary', partitionColumn: 'partition_date' }],
      writes: [{ table: 'gold.demo_weekly', partitionColumn: 'week' }],
      checks: [{ kind: 'rowCount', table: 'gold.demo_weekly', min: 1, max: 1 }],
    },
  ],
};
