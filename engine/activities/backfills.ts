// Activities of the backfill workflow: choosing the partitions of an only-failed backfill and
// recording the backfill in ops.backfills.
import { partitionsToRedo } from '../history/run-queries.ts';
import type { ActivityDeps } from './deps.ts';

export interface BackfillRecord {
  id: string;
  workflowRunId: string;
  pipeline: string;
  range: unknown;
  partitions: number;
  concurrency: number;
  mode: 'all' | 'only-failed';
}

export type BackfillCounts = Record<'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled', number>;

export function createBackfillActivities({ pools }: ActivityDeps) {
  return {
    async selectPartitionsToRedo(pipeline: string, partitions: string[]): Promise<string[]> {
      return partitionsToRedo(pools.worker, pipeline, partitions);
    },
    async recordBackfillStart(b: BackfillRecord): Promise<void> {
      await pools.worker.query(
        `INSERT INTO ops.backfills (id, workflow_run_id, pipeline, range, partitions, concurrency, mode, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'running')
         ON CONFLICT (id) DO UPDATE SET workflow_run_id = EXCLUDED.workflow_run_id, partitions = EXCLUDED.partitions,
           status = 'running', ended_at = NULL, started_at = CASE WHEN ops.backfills.status = 'running' THEN ops.backfills.started_at ELSE now() END`,
        [b.id, b.workflowRunId, b.pipeline, JSON.stringify(b.range), b.partitions, b.concurrency, b.mode],
      );
    },
    async recordBackfillEnd(id: string, status: 'succeeded' | 'failed' | 'cancelled', counts: BackfillCounts): Promise<void> {
      await pools.worker.query(`UPDATE ops.backfills SET status = $2, counts = $3, ended_at = now() WHERE id = $1`, [id, status, counts]);
    },
  };
}
