// Silver step of the demo pipeline: keeps good-quality events and normalises their source names.
import { replacePartitionFromQuery } from '../../../lib/db/copy.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const cleanDemoEvents: StepFactory =
  ({ pools, log }) =>
  async (input) => {
    const { inserted } = await replacePartitionFromQuery(
      pools.worker,
      { table: 'silver.demo_events_clean', columns: ['partition_date', 'event_id', 'source', 'value', 'occurred_at'] },
      { partition_date: input.partition },
      `SELECT partition_date, event_id, regexp_replace(lower(trim(source)), '[^a-z0-9]+', '-', 'g'), value, occurred_at
       FROM bronze.demo_events
      WHERE partition_date = $1 AND attributes->>'quality' = 'good'`,
      [input.partition],
    );
    const { rows } = await pools.worker.query('SELECT count(*)::int AS n FROM bronze.demo_events WHERE partition_date = $1', [input.partition]);
    log.info({ kept: inserted, read: rows[0].n, dropped: rows[0].n - inserted }, `kept ${inserted} of ${rows[0].n} events (good quality only)`);
    return { read: { 'bronze.demo_events': rows[0].n }, written: { 'silver.demo_events_clean': inserted } };
  };
