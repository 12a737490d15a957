// kill -9 of the worker process in the middle of the retention pipeline's archiving: every day is
// either still in PostgreSQL or archived, verified and dropped (never dropped without a verified
// archive), the retry on a new worker finishes the job from the manifest, and a restore of every
// day gives back identical rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { restoreDays } from '../../lib/archive/restore.ts';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import { dayDigest, partitionExists, seedSegments } from '../support/archive-seed.ts';
import { testPipeline } from '../support/pipelines.ts';
import { workerFleet } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const DAYS = ['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-05'];
const BATCHES = chaosScale().long ? 1000 : 300;
const READINGS = 400;
let stack: TestStack;
const workers = workerFleet(() => stack);

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  for (const day of DAYS) await seedSegments(stack.pools.owner, day, BATCHES, READINGS);
});
afterAll(async () => {
  await workers.stopAll();
  await stack?.close();
});

const partitionOf = (day: string) => `bronze.imu_segments_${day.replaceAll('-', '')}`;

async function manifest() {
  const { rows } = await stack.pools.owner.query<{ day: string; state: string; object_key: string; object_sha256: string | null }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, state, object_key, object_sha256 FROM ops.partition_archives WHERE table_name = 'bronze.imu_segments' ORDER BY day`,
  );
  return rows;
}

describe('a worker killed while archiving', () => {
  it('leaves each day in PostgreSQL or archived and verified, and the next attempt finishes the job', async () => {
    const before = new Map<string, Awaited<ReturnType<typeof dayDigest>>>();
    for (const day of DAYS) before.set(day, await dayDigest(stack.pools.owner, day));
    // The retention pipeline as deployed, with a short heartbeat so the dead worker is noticed soon.
    const real = getPipeline('retention');
    const pipeline = testPipeline(
      'retention-crash',
      real.steps.map((s) => (s.id === 'archive' ? { ...s, heartbeatTimeout: '5 seconds' } : s)),
    );
    const worker = workers.start();
    await worker.waitFor(/worker running/);
    const { handle } = await startPipelineRun(stack.client, stack.config, pipeline, '2026-11-30');
    // Kill once a day has been dropped and another is part-way (pending, written or verified).
    for (;;) {
      const rows = await manifest();
      if (rows.some((r) => r.state === 'dropped') && rows.some((r) => r.state !== 'dropped')) break;
      if (rows.length === DAYS.length && rows.every((r) => r.state === 'dropped')) throw new Error('the archive finished before the kill: seed more rows');
      await new Promise((r) => setTimeout(r, 10));
    }
    await worker.kill('SIGKILL');
    const killedAt = Date.now();

    const atKill = await manifest();
    const midway = atKill.filter((r) => r.state !== 'dropped');
    expect(midway.length).toBeGreaterThan(0);
    // Never dropped without a verified archive; never a partition gone without "dropped"; a kept day whole.
    const inconsistent: string[] = [];
    for (const day of DAYS) {
      const m = atKill.find((r) => r.day === day);
      const exists = await partitionExists(stack.pools.owner, partitionOf(day));
      if (exists === (m?.state === 'dropped')) inconsistent.push(`${day}: partition ${exists ? 'kept' : 'gone'}, state ${m?.state ?? 'not started'}`);
      if (m?.state === 'dropped' && (await stack.storage.head(m.object_key))?.sha256 !== m.object_sha256)
        inconsistent.push(`${day}: archive missing or changed`);
      if (exists && (await dayDigest(stack.pools.owner, day)).md5 !== before.get(day)!.md5) inconsistent.push(`${day}: rows changed`);
    }
    expect(inconsistent).toEqual([]);

    workers.start();
    const summary = await handle.result();
    expect(summary.status).toBe('succeeded');
    const after = await manifest();
    expect(after.map((r) => [r.day, r.state])).toEqual(DAYS.map((d) => [d, 'dropped']));
    for (const day of DAYS) expect(await partitionExists(stack.pools.owner, partitionOf(day))).toBe(false);
    const { rows: attempts } = await stack.pools.owner.query(
      `SELECT s.status FROM ops.step_runs s WHERE s.pipeline_run_id = $1 AND s.step_id = 'archive' ORDER BY attempt`,
      [summary.runId],
    );
    expect(attempts.map((a) => a.status)).toEqual([...Array(attempts.length - 1).fill('failed'), 'succeeded']);
    expect(attempts.length).toBeGreaterThan(1);

    const restored = await restoreDays({ pool: stack.pools.worker, storage: stack.storage }, 'bronze.imu_segments', DAYS);
    expect(restored.map((r) => r.outcome)).toEqual(DAYS.map(() => 'restored'));
    let identical = 0;
    for (const day of DAYS) {
      const digest = await dayDigest(stack.pools.owner, day);
      expect(digest).toEqual(before.get(day));
      if (digest.md5 === before.get(day)!.md5) identical++;
    }
    recordFigure('retention-crash', {
      scenario: `Worker killed (SIGKILL) while archiving ${DAYS.length} days of ${(BATCHES * READINGS).toLocaleString('en-US')} readings each`,
      statesAtKill: atKill.map((r) => `${r.day} ${r.state}`).join(', '),
      inconsistentDaysAtKill: inconsistent.length,
      daysRestoredIdentical: `${identical} of ${DAYS.length}`,
      secondsFromKillToDone: Math.round((Date.now() - killedAt) / 100) / 10,
      command: 'npm run test:chaos -- retention-crash',
    });
  }, 600_000);
});
