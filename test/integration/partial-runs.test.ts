// Partial re-runs on the real stack, through the CLI: --from-failure runs only what failed and the
// tables end with the checksums of a clean run; --steps X+ runs exactly X and its downstream;
// bad selections are refused before anything runs; run history says what was reused from where.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import { refineryCli } from '../support/cli.ts';
import { runPipeline, summaryOf } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  // A switch that makes the summary's write fail while it holds a row (a real failure, in PostgreSQL).
  await stack.pools.owner.query(`
    CREATE TABLE public.fail_switch (reason text);
    CREATE FUNCTION public.refuse_when_switched() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM public.fail_switch) THEN RAISE EXCEPTION 'summary writes are switched off'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_summary BEFORE INSERT ON gold.demo_daily_summary FOR EACH ROW EXECUTE FUNCTION public.refuse_when_switched();`);
});
afterAll(() => stack?.close());

const TABLES = ['bronze.demo_events', 'silver.demo_events_clean', 'gold.demo_source_daily', 'gold.demo_hourly', 'gold.demo_daily_summary'];

async function digests(partition: string) {
  return Promise.all(
    TABLES.map(async (table) => {
      const { rows } = await stack.pools.owner.query(
        `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${table} t WHERE partition_date = $1`,
        [partition],
      );
      return { table, ...rows[0] };
    }),
  );
}

async function stepsOf(runId: number) {
  const { rows } = await stack.pools.owner.query(
    `SELECT step_id, status, attempt, reused_from FROM ops.step_runs WHERE pipeline_run_id = $1 ORDER BY step_id, attempt`,
    [runId],
  );
  return rows;
}

async function latestRunId(partition: string): Promise<number> {
  const { rows } = await stack.pools.owner.query(`SELECT max(id)::int AS id FROM ops.pipeline_runs WHERE pipeline = 'demo' AND partition_key = $1`, [
    partition,
  ]);
  return rows[0].id;
}

describe('partial re-runs', () => {
  it('--from-failure runs only the failed steps, reuses the rest, and leaves the rows of a clean run', async () => {
    await stack.pools.owner.query(`INSERT INTO public.fail_switch VALUES ('test')`);
    const failed = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-01']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('summary writes are switched off');
    const failedRun = await latestRunId('2026-10-01');
    await stack.pools.owner.query('DELETE FROM public.fail_switch');

    const repair = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-01', '--from-failure']);
    expect(repair.stderr).toBe('');
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain(
      `running summary; reusing land (run ${failedRun}), clean (run ${failedRun}), by_source (run ${failedRun}), by_hour (run ${failedRun})`,
    );
    const repairRun = await latestRunId('2026-10-01');
    expect(await stepsOf(repairRun)).toEqual([
      { step_id: 'by_hour', status: 'reused', attempt: 0, reused_from: failedRun },
      { step_id: 'by_source', status: 'reused', attempt: 0, reused_from: failedRun },
      { step_id: 'clean', status: 'reused', attempt: 0, reused_from: failedRun },
      { step_id: 'land', status: 'reused', attempt: 0, reused_from: failedRun },
      { step_id: 'summary', status: 'succeeded', attempt: 1, reused_from: null },
    ]);
    // Lineage of the repair run is whole: the reused steps keep what they read and wrote.
    const { rows: lineage } = await stack.pools.owner.query(
      `SELECT s.step_id, l.direction, l.table_name, l.partition_key FROM ops.lineage l JOIN ops.step_runs s ON s.id = l.step_run_id
        WHERE s.pipeline_run_id = $1 AND s.step_id IN ('clean', 'summary') ORDER BY 1, 2, 3`,
      [repairRun],
    );
    expect(lineage).toEqual([
      { step_id: 'clean', direction: 'read', table_name: 'bronze.demo_events', partition_key: '2026-10-01' },
      { step_id: 'clean', direction: 'write', table_name: 'silver.demo_events_clean', partition_key: '2026-10-01' },
      { step_id: 'summary', direction: 'read', table_name: 'gold.demo_hourly', partition_key: '2026-10-01' },
      { step_id: 'summary', direction: 'read', table_name: 'gold.demo_source_daily', partition_key: '2026-10-01' },
      { step_id: 'summary', direction: 'write', table_name: 'gold.demo_daily_summary', partition_key: '2026-10-01' },
    ]);
    const repaired = await digests('2026-10-01');
    expect(repaired.every((d) => d.n > 0)).toBe(true);

    // A clean full run of the partition ends with exactly the same rows.
    const clean = await runPipeline(stack, getPipeline('demo'), '2026-10-01');
    expect(clean.status).toBe('succeeded');
    expect(await digests('2026-10-01')).toEqual(repaired);

    const shown = await refineryCli(stack, ['runs', 'show', String(repairRun)]);
    expect(shown.stdout).toContain(`land             reused     attempts 0`);
    expect(shown.stdout).toContain(`reused from run ${failedRun}`);
    expect(shown.stdout).toContain('partial run: {"fromFailure":true}');
  }, 180_000); // three CLI processes and three runs: over 90 s at load average 17 on two cores

  it('--steps X+ runs exactly X and its downstream', async () => {
    const full = await runPipeline(stack, getPipeline('demo'), '2026-10-02');
    const before = await digests('2026-10-02');
    const result = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-02', '--steps', 'by_hour+']);
    expect(result.code).toBe(0);
    const runId = await latestRunId('2026-10-02');
    const steps = await stepsOf(runId);
    expect(steps.filter((s) => s.attempt > 0).map((s) => s.step_id)).toEqual(['by_hour', 'summary']);
    expect(steps.filter((s) => s.status === 'reused').map((s) => [s.step_id, s.reused_from])).toEqual([
      ['by_source', full.runId],
      ['clean', full.runId],
      ['land', full.runId],
    ]);
    expect(await digests('2026-10-02')).toEqual(before);

    // One step alone, through the client, as the backfill children do.
    const { handle } = await startPipelineRun(stack.client, stack.config, getPipeline('demo'), '2026-10-02', { selection: { steps: ['by_source'] } });
    const alone = await summaryOf(handle.result());
    expect(alone.steps.filter((s) => s.status !== 'reused').map((s) => s.stepId)).toEqual(['by_source']);
    expect(alone.status).toBe('succeeded');
  }, 60_000);

  it('refuses, before anything runs, an unknown step and a step whose inputs were never produced', async () => {
    const { rows: before } = await stack.pools.owner.query('SELECT count(*)::int AS n FROM ops.pipeline_runs');
    const unknown = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-03', '--steps', 'trian+']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('refinery: --steps: demo has no step "trian" (steps: land, clean, by_source, by_hour, summary)');
    const orphan = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-03', '--steps', 'summary']);
    expect(orphan.code).toBe(1);
    expect(orphan.stderr.trim()).toBe(
      'refinery: summary needs land, clean, by_source, by_hour, which have never succeeded for demo 2026-10-03; add them (--steps land+) or run the partition in full',
    );
    const nothing = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-02', '--from-failure']);
    expect(nothing.stderr.trim()).toMatch(/^refinery: --from-failure: the last run of demo 2026-10-02 \(\d+\) succeeded; nothing to repair$/);
    const both = await refineryCli(stack, ['run', 'demo', '--partition', '2026-10-02', '--from-failure', '--steps', 'land']);
    expect(both.stderr.trim()).toBe('refinery: give --from-failure or --steps, not both');
    const backfill = await refineryCli(stack, ['backfill', 'demo', '--from', '2026-10-01', '--to', '2026-10-04', '--steps', 'by_hour+']);
    expect(backfill.code).toBe(1);
    expect(backfill.stderr.trim()).toBe(
      'refinery: 2 of 4 partitions cannot run: by_hour, summary needs land, clean, by_source, which have never succeeded for demo 2026-10-03; add them (--steps land+) or run the partition in full; by_hour, summary needs land, clean, by_source, which have never succeeded for demo 2026-10-04; add them (--steps land+) or run the partition in full',
    );
    const { rows: after } = await stack.pools.owner.query('SELECT count(*)::int AS n FROM ops.pipeline_runs');
    expect(after[0].n).toBe(before[0].n);
  }, 180_000);

  it('backfill --steps --priority re-runs those steps over a range at that priority, reusing the rest in each partition', async () => {
    const result = await refineryCli(stack, [
      'backfill',
      'demo',
      '--from',
      '2026-10-01',
      '--to',
      '2026-10-02',
      '--steps',
      'summary',
      '--concurrency',
      '2',
      '--priority',
      '1',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { rows } = await stack.pools.owner.query(
      `SELECT r.partition_key, array_agg(s.step_id ORDER BY s.step_id) FILTER (WHERE s.attempt > 0) AS ran,
              count(*) FILTER (WHERE s.status = 'reused')::int AS reused
         FROM ops.pipeline_runs r JOIN ops.step_runs s ON s.pipeline_run_id = r.id
        WHERE r.trigger = 'backfill' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { partition_key: '2026-10-01', ran: ['summary'], reused: 4 },
      { partition_key: '2026-10-02', ran: ['summary'], reused: 4 },
    ]);
    // The priority reached Temporal: each child workflow carries it, with its backfill's fairness key.
    const { rows: children } = await stack.pools.owner.query(
      `SELECT workflow_id, run_id, backfill_id, priority FROM ops.pipeline_runs WHERE trigger = 'backfill' ORDER BY partition_key`,
    );
    for (const child of children) {
      expect(child.priority).toBe(1);
      const described = await stack.client.workflow.getHandle(child.workflow_id, child.run_id).describe();
      expect(described.priority).toMatchObject({ priorityKey: 1, fairnessKey: child.backfill_id.slice(-64) });
    }
    const refused = await refineryCli(stack, ['backfill', 'demo', '--from', '2026-10-01', '--to', '2026-10-02', '--priority', '0']);
    expect([refused.code, refused.stderr.trim()]).toEqual([1, 'refinery: --priority: must be a whole number from 1 (first) to 5 (got "0")']);
  }, 60_000);
});
