// Bronze activity of the foundation: lands one day of synthetic events with the COPY writer.
import { Context } from '@temporalio/activity';
import { replacePartition } from '../../lib/db/copy.ts';
import { demoEvents } from '../../lib/demo-events.ts';
import type { ActivityDeps } from '../deps.ts';

export interface LandDemoEventsInput {
  partition: string;
  count: number;
  seed?: number;
}

export interface LandResult {
  rowsWritten: number;
  rowsReplaced: number;
}

export function createDemoEventActivities({ pools }: ActivityDeps) {
  return {
    async landDemoEvents(input: LandDemoEventsInput): Promise<LandResult> {
      const rows = (function* () {
        for (const e of demoEvents(input.partition, input.count, input.seed)) {
          yield [e.partitionDate, e.eventId, e.source, e.value, e.attributes, e.occurredAt];
        }
      })();
      const { deleted, inserted } = await replacePartition(
        pools.worker,
        { table: 'bronze.demo_events', columns: ['partition_date', 'event_id', 'source', 'value', { name: 'attributes', json: true }, 'occurred_at'] },
        { partition_date: input.partition },
        rows,
        { onProgress: (n) => heartbeat(n) },
      );
      return { rowsWritten: inserted, rowsReplaced: deleted };
    },
  };
}

function heartbeat(rows: number): void {
  // Outside an activity (direct calls in tests) there is no context to beat.
  try {
    Context.current().heartbeat({ rows });
  } catch {
    /* not running as an activity */
  }
}
