// Steps of the retention pipeline (domains/sensor/retention.ts): partitions made ahead for every
// table with a policy, then its old days archived, verified and dropped (lib/archive). A day whose
// archive does not verify is kept and the step fails, naming it; the next run archives it again.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { archiveDay, loadPolicies, partitionDays, type DayOutcome } from '../../../lib/archive/archive.ts';
import { dayRanges, lastArchivedDay, rangeText } from '../../../lib/archive/policy.ts';

/** Each policy's table gets its partitions from the day before the run's to `aheadDays` after it. */
export const makeRetainedPartitions: StepFactory =
  ({ pools }) =>
  async (input) => {
    const policies = await loadPolicies(pools.worker);
    let made = 0;
    for (const p of policies) {
      const { rows } = await pools.worker.query<{ made: number }>(
        `SELECT count(*) FILTER (WHERE ops.ensure_retained_day($1, d::date))::int AS made FROM generate_series($2::date - 1, $2::date + $3::int, interval '1 day') AS d`,
        [p.table, input.partition, p.aheadDays],
      );
      made += rows[0]!.made;
    }
    return { read: { 'ops.retention_policies': policies.length }, metrics: { partitionsMade: made } };
  };

function heartbeat(what: string): void {
  try {
    Context.current().heartbeat(what);
  } catch {
    // not inside an activity (a direct call)
  }
}

export const archiveOldPartitions: StepFactory =
  ({ pools, storage, log }) =>
  async (input) => {
    const policies = await loadPolicies(pools.worker);
    const outcomes: DayOutcome[] = [];
    for (const policy of policies) {
      const last = lastArchivedDay(input.partition, policy.hotDays);
      for (const day of (await partitionDays(pools.worker, policy.table)).filter((d) => d <= last)) {
        const outcome = await archiveDay({ pool: pools.worker, storage, progress: heartbeat }, policy, day, input.partition);
        log.info({ ...outcome }, `retention: ${policy.table} ${day} ${outcome.outcome}${outcome.reason ? ` (${outcome.reason})` : ''}`);
        outcomes.push(outcome);
      }
    }
    const dropped = outcomes.filter((o) => o.outcome === 'dropped');
    const kept = outcomes.filter((o) => o.outcome === 'kept');
    if (kept.length) {
      const days = kept.map((o) => `${o.table} ${o.day}: ${o.reason}`).join('; ');
      throw ApplicationFailure.nonRetryable(
        `${kept.length} day(s) kept in PostgreSQL, their archive did not verify or their rows changed: ${days}`,
        'ArchiveVerifyFailed',
      );
    }
    const droppedText = [...new Set(dropped.map((o) => o.table))]
      .map(
        (t) =>
          `${t} ${dayRanges(dropped.filter((o) => o.table === t).map((o) => o.day))
            .map(rangeText)
            .join(', ')}`,
      )
      .join('; ');
    return {
      read: { 'ops.retention_policies': policies.length },
      written: { 'ops.partition_archives': dropped.length },
      metrics: {
        daysArchived: dropped.length,
        rowsArchived: dropped.reduce((n, o) => n + (o.rows ?? 0), 0),
        archived: droppedText || 'nothing older than the policies',
      },
    };
  };
