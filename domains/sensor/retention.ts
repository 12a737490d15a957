// The retention pipeline: every day, for each table with a retention policy (ops.retention_policies,
// `refinery retention`), make the partitions ahead, then archive the days older than the policy to
// object storage as Parquet, verify each archive by reading it back, and only then drop the day.
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';

export const RETENTION = 'retention';

export const retentionPipeline: PipelineDefinition = {
  name: RETENTION,
  description: 'Partitions made ahead; days older than each retention policy archived to Parquet, verified, then dropped',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  schedule: { cron: '40 2 * * *', timezone: 'UTC' },
  steps: [
    {
      id: 'make_partitions',
      activity: 'makeRetainedPartitions',
      layer: 'bronze',
      reads: [{ table: 'ops.retention_policies' }],
    },
    {
      id: 'archive',
      activity: 'archiveOldPartitions',
      layer: 'bronze',
      dependsOn: ['make_partitions'],
      // A day is resumable from the manifest, so a retry carries on where the last attempt stopped.
      heartbeatTimeout: '1 minute',
      startToCloseTimeout: '4 hours',
      retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['ArchiveVerifyFailed'] },
      reads: [{ table: 'ops.retention_policies' }],
      writes: [{ table: 'ops.partition_archives' }],
    },
  ],
};
