// Control steps with no data of their own: no-op, sleep, flaky, failing and probe steps. Used to
// test the interpreter (ordering, parallelism, retries, skips, pools) and to benchmark orchestration.
import { ApplicationFailure, Context, sleep as activitySleep } from '@temporalio/activity';
import { withTransaction } from '../../lib/db/pool.ts';
import type { StepFactory } from './step-runner.ts';

export const noop: StepFactory = () => async () => ({});

/** Sleeps params.ms milliseconds, heartbeating, and stops early when cancelled. */
export const sleep: StepFactory = () => async (input) => {
  const total = Number(input.params.ms ?? 100);
  const started = Date.now();
  while (Date.now() - started < total) {
    Context.current().heartbeat();
    await activitySleep(Math.min(200, total - (Date.now() - started)));
  }
  return { metrics: { sleptMs: Date.now() - started } };
};

/** Fails its first params.failTimes attempts (retryably), then succeeds. */
export const flaky: StepFactory = () => async (input) => {
  const attempt = Context.current().info.attempt;
  const failTimes = Number(input.params.failTimes ?? 1);
  if (attempt <= failTimes) throw new Error(`flaky step failed on attempt ${attempt} of ${failTimes + 1}`);
  return { metrics: { attempts: attempt } };
};

/** Fails with params.message: always, or only for the partitions listed in params.partitions. */
export const fail: StepFactory = () => async (input) => {
  const only = input.params.partitions;
  if (Array.isArray(only) && !only.includes(input.partition)) return {};
  const message = String(input.params.message ?? 'this step always fails');
  if (input.params.nonRetryable) throw ApplicationFailure.nonRetryable(message, 'StepFailed');
  throw new Error(message);
};

/**
 * Counts itself in (ops.concurrency_probes, one row per run and step, so a retry after a killed
 * worker replaces its dead attempt's row), records the most holders ever inside the probe at once,
 * sleeps params.ms, and counts itself out. The table lock makes each count exact.
 */
export const probe: StepFactory = (deps) => async (input) => {
  const name = String(input.params.probe ?? input.stepId);
  const holder = `${input.runId}/${input.stepId}`;
  const inside = await withTransaction(deps.pools.worker, async (db) => {
    await db.query('LOCK TABLE ops.concurrency_probes IN SHARE ROW EXCLUSIVE MODE');
    await db.query('INSERT INTO ops.concurrency_probes (probe, holder) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, holder]);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM ops.concurrency_probes WHERE probe = $1', [name]);
    await db.query(
      `INSERT INTO ops.concurrency_peaks (probe, peak, entries) VALUES ($1, $2, 1)
       ON CONFLICT (probe) DO UPDATE SET peak = greatest(ops.concurrency_peaks.peak, $2), entries = ops.concurrency_peaks.entries + 1`,
      [name, rows[0].n],
    );
    return rows[0].n as number;
  });
  deps.log.info({ probe: name, inside }, `inside probe ${name} with ${inside - 1} others`);
  await sleep(deps)(input);
  await deps.pools.worker.query('DELETE FROM ops.concurrency_probes WHERE probe = $1 AND holder = $2', [name, holder]);
  return { metrics: { inside } };
};

/** Logs params.lines lines (with a secret-looking URL in each, to prove redaction), then fails if params.fail. */
export const chatty: StepFactory = (deps) => async (input) => {
  const lines = Number(input.params.lines ?? 10);
  for (let i = 1; i <= lines; i++) deps.log.info({ line: i, source: 'postgres://loader:hunter2@db.internal/warehouse' }, `working on chunk ${i} of ${lines}`);
  if (input.params.fail) {
    throw new Error(`chunk ${lines} could not be written`, { cause: new Error('connection to postgres://loader:hunter2@db.internal/warehouse refused') });
  }
  return { metrics: { lines } };
};

/** The engine's own steps, always registered beside the domains' steps. */
export const controlSteps = { noop, sleep, flaky, fail, probe, chatty } satisfies Record<string, StepFactory>;
