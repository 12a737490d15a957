// Bronze step of the demo pipeline: lands one day of synthetic events with the COPY writer.
import { Context } from '@temporalio/activity';
import { replacePartition } from '../../../lib/db/copy.ts';
import { demoEvents } from '../../../lib/demo-events.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const landDemoEvents: StepFactory =
  ({ pools }) =>
  async (input) => {
    const count = Number(input.params.count ?? 10_000);
    const seed = Number(input.params.seed ?? 1);
    const rows = (function* () {
      for (const e of demoEvents(input.partition, count, seed)) {
        yield [e.partitionDate, e.eventId, e.source, e.value, e.attributes, e.occurredAt];
      }
    })();
    const { inserted } = await replacePartition(
      pools.worker,
      { table: 'bronze.demo_events', columns: ['partition_date', 'event_id', 'source', 'value', { name: 'attributes', json: true }, 'occurred_at'] },
      { partition_date: input.partition },
      rows,
      { onProgress: (n) => Context.current().heartbeat({ rows: n }) },
    );
    return { written: { 'bronze.demo_events': inserted } };
  };
