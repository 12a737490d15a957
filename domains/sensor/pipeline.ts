// The sensor pipeline (seed 002): a day of device readings in bronze → cleaned, windowed and
// featurised silver → a retrained exercise classifier, promoted through the quality gate →
// every window of the day classified by the production model → session and device summaries.
import { FEATURE_COUNT } from '../../lib/imu/catalogue.ts';
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';

const day = (table: string) => ({ table, partitionColumn: 'partition_date' });

export const sensorPipeline: PipelineDefinition = {
  name: 'sensor',
  description: 'Device readings → windows and features → exercise classifier (trained, gated) → window predictions → session and device summaries',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  schedule: { cron: '30 1 * * *', timezone: 'UTC' },
  // Yesterday's summaries are read first thing in the morning; a day without new data is news.
  deadline: 'D+1 06:00',
  freshness: { maxAge: '36 hours' },
  // A phone that was offline posts days of readings at once: those days re-run by themselves.
  inputs: [
    { kind: 'arrivals', source: 'imu_readings', noun: 'readings', origin: 'devices' },
    { kind: 'arrivals', source: 'exercise_sessions', noun: 'sessions', origin: 'devices' },
  ],
  lateData: { quietPeriod: '10 minutes', lookback: '30 days', concurrency: 2 },
  steps: [
    {
      id: 'windows',
      activity: 'buildImuWindows',
      layer: 'silver',
      queue: 'compute',
      heartbeatTimeout: '2 minutes',
      params: { windowSize: 200, windowOverlap: 0.5 },
      reads: [{ table: 'bronze.imu_readings' }, { table: 'bronze.exercise_sessions' }],
      writes: [day('silver.imu_windows'), day('silver.imu_cleaning'), day('silver.exercise_sessions'), { table: 'silver.feature_catalogue' }],
      checks: [
        { kind: 'rowCount', table: 'silver.imu_windows', min: 1 },
        { kind: 'predicate', table: 'silver.imu_windows', name: 'full feature vectors', predicate: `cardinality(features) = ${FEATURE_COUNT}` },
        { kind: 'range', table: 'silver.imu_windows', column: 'sample_rate_hz', min: 1, max: 1000 },
        { kind: 'predicate', table: 'silver.imu_cleaning', name: 'kept readings within input', predicate: 'kept <= readings_in' },
        // A device losing more than a tenth of its readings to cleaning is worth a look, not a failed day.
        { kind: 'predicate', table: 'silver.imu_cleaning', name: 'most readings kept', predicate: 'kept >= 0.9 * readings_in', severity: 'warn' },
      ],
    },
    {
      id: 'train',
      activity: 'trainExerciseModel',
      layer: 'silver',
      queue: 'compute',
      dependsOn: ['windows'],
      heartbeatTimeout: '2 minutes',
      startToCloseTimeout: '30 minutes',
      params: { trainingDays: 28, nEstimators: 100, holdout: 0.2 },
      reads: [day('silver.imu_windows'), day('silver.exercise_sessions')],
      writes: [{ table: 'registry.training_runs' }, { table: 'registry.model_versions' }, { table: 'registry.dataset_versions' }],
    },
    {
      id: 'promote',
      activity: 'promoteModel',
      layer: 'gold',
      dependsOn: ['train'],
      params: { tolerance: 0.02, minimum: 0.5 },
      writes: [{ table: 'registry.model_versions' }, { table: 'registry.promotions' }],
    },
    {
      id: 'predict',
      activity: 'predictExerciseWindows',
      layer: 'gold',
      queue: 'compute',
      dependsOn: ['promote'],
      heartbeatTimeout: '2 minutes',
      reads: [day('silver.imu_windows'), { table: 'registry.model_versions' }],
      writes: [day('gold.window_predictions'), { table: 'registry.predictions' }],
      checks: [
        { kind: 'range', table: 'gold.window_predictions', column: 'probability', min: 0, max: 1 },
        {
          kind: 'sql',
          name: 'every window of the day predicted',
          query: `SELECT (SELECT count(*) FROM silver.imu_windows WHERE partition_date = $1::date)
                       - (SELECT count(*) FROM gold.window_predictions WHERE partition_date = $1::date) AS failures`,
        },
      ],
    },
    {
      id: 'summaries',
      activity: 'summariseSensorDay',
      layer: 'gold',
      dependsOn: ['predict'],
      reads: [day('gold.window_predictions'), day('silver.exercise_sessions'), day('silver.imu_cleaning')],
      writes: [day('gold.session_summaries'), day('gold.device_daily_activity')],
      checks: [
        { kind: 'range', table: 'gold.session_summaries', column: 'confidence', min: 0, max: 1 },
        { kind: 'unique', table: 'gold.device_daily_activity', columns: ['device_id'] },
        {
          kind: 'sql',
          name: 'one activity row per cleaned device',
          query: `SELECT abs((SELECT count(*) FROM gold.device_daily_activity WHERE partition_date = $1::date) - (SELECT count(*) FROM silver.imu_cleaning WHERE partition_date = $1::date)) AS failures`,
        },
      ],
    },
  ],
};
