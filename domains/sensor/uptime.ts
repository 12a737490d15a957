// The uptime pipeline (the example CONTRIBUTING.md builds): from the batches devices posted on a
// day (bronze) to the hours each device reported in (silver) and its day (gold), so an operator sees
// which devices went quiet and for how long. Small and fast; it reads what the ingest API lands.
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';

const day = (table: string) => ({ table, partitionColumn: 'partition_date' });

export const uptimePipeline: PipelineDefinition = {
  name: 'uptime',
  description: 'Device batches as received → arrivals per device and hour → hours reporting and longest silence per device and day',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  schedule: { cron: '15 0 * * *', timezone: 'UTC' },
  steps: [
    {
      id: 'arrivals',
      activity: 'countHourlyArrivals',
      layer: 'silver',
      reads: [{ table: 'bronze.ingest_batches' }],
      writes: [day('silver.device_hourly_arrivals')],
      checks: [{ kind: 'range', table: 'silver.device_hourly_arrivals', column: 'batches', min: 1 }],
    },
    {
      id: 'uptime',
      activity: 'summariseDeviceUptime',
      layer: 'gold',
      dependsOn: ['arrivals'],
      reads: [day('silver.device_hourly_arrivals')],
      writes: [day('gold.device_uptime')],
      checks: [
        { kind: 'range', table: 'gold.device_uptime', column: 'hours_reporting', min: 1, max: 24 },
        {
          kind: 'sql',
          name: 'every batch of the day counted once',
          query: `SELECT abs((SELECT coalesce(sum(batches), 0) FROM gold.device_uptime WHERE partition_date = $1::date)
                           - (SELECT coalesce(sum(batches), 0) FROM silver.device_hourly_arrivals WHERE partition_date = $1::date)) AS failures`,
        },
      ],
    },
  ],
};
