// Benchmark: replacing one day of silver.imu_windows (299 features a row) as the worker role, by a
// delete and an insert in one transaction (what lib/db/copy.ts's partition replace does; the anchor)
// against a swap (lib/db/day-swap.ts: rows into a staged table, indexes built, detach/drop/attach).
// Both the first write of a day (its partition empty) and a re-run (the day already full), alternated.
import os from 'node:os';
import { copyBatches } from '../lib/db/copy.ts';
import type { SwappedTable } from '../lib/db/day-swap.ts';
import { migrate } from '../lib/db/migrate.ts';
import { createPool, withClient, withTransaction, type Pool } from '../lib/db/pool.ts';
import { provisionLogins } from '../lib/db/roles.ts';
import { seededRandom } from '../lib/random.ts';
import { benchDatabase } from './support/database.ts';
import { median, repeated, verify, writeBenchResult } from './report.ts';

const WINDOWS = Number(process.argv[2] ?? 24_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const DAY = '2026-10-31';
const FEATURES = 299;
const WINDOWS_TABLE: SwappedTable = {
  table: 'silver.imu_windows',
  key: 'partition_date',
  columns: ['partition_date', 'device_id', 'session_id', 'window_index', 'start_ts', 'end_ts', 'samples', 'sample_rate_hz', 'features'],
  stage: 'silver.stage_imu_windows_day',
  swap: 'silver.swap_imu_windows_day',
};

/** A day of windows: 80 devices, features as the extractor gives them (doubles of no pattern). */
function dayOfWindows(): unknown[][][] {
  const random = seededRandom(19);
  const batches: unknown[][][] = [];
  const batch: unknown[][] = [];
  const start = Date.parse(`${DAY}T07:00:00Z`);
  for (let w = 0; w < WINDOWS; w++) {
    const device = w % 80;
    const index = Math.floor(w / 80);
    const features = new Float64Array(FEATURES);
    for (let f = 0; f < FEATURES; f++) features[f] = random.normal() * 10 ** ((f % 7) - 3);
    const t = start + index * 2000;
    batch.push([DAY, `wrist-${device}`, `s-${device}`, index, new Date(t), new Date(t + 4000), 200, 50, features]);
    if (batch.length === 2000) batches.push(batch.splice(0));
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/**
 * The day's rows come from a table in the database (COPYed there once), so that what is timed is
 * PostgreSQL's work, which is what the two ways differ in: the client's encoding of a COPY is the
 * same for both, and on a shared machine it would drown the difference in its noise.
 */
const SOURCE = 'public.day_source';

/** The whole transaction's time, and its DELETE's. */
async function deleteAndInsert(worker: Pool): Promise<{ ms: number; deleteMs: number }> {
  const t = performance.now();
  let deleteMs = 0;
  await withTransaction(worker, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`silver.imu_windows|partition_date=${DAY}`]);
    await client.query('DELETE FROM silver.imu_windows WHERE partition_date = $1', [DAY]);
    deleteMs = performance.now() - t;
    await client.query(`INSERT INTO silver.imu_windows SELECT * FROM ${SOURCE}`);
  });
  return { ms: performance.now() - t, deleteMs };
}

/** The whole transaction's time, the swap call's (indexes, detach, drop, attach) and the commit's. */
async function swap(worker: Pool): Promise<{ ms: number; swapMs: number; commitMs: number }> {
  const t = performance.now();
  let swapMs = 0;
  let swapped = 0;
  await withTransaction(worker, async (client) => {
    const { rows } = await client.query(`SELECT ${WINDOWS_TABLE.stage}($1::date, 0) AS staging`, [DAY]);
    await client.query(`INSERT INTO ${rows[0].staging} SELECT * FROM ${SOURCE}`);
    const s = performance.now();
    const { rows: how } = await client.query(`SELECT ${WINDOWS_TABLE.swap}($1::date) AS how`, [DAY]);
    verify(how[0].how === 'swapped', 'the day was not swapped');
    swapped = performance.now();
    swapMs = swapped - s;
  });
  return { ms: performance.now() - t, swapMs, commitMs: performance.now() - swapped };
}

async function emptyDay(owner: Pool): Promise<void> {
  await owner.query(`DROP TABLE IF EXISTS silver.imu_windows_${DAY.replaceAll('-', '')}`);
  await owner.query('SELECT silver.ensure_imu_windows_partition($1::date)', [DAY]);
  await owner.query('CHECKPOINT');
}

async function dayDigest(owner: Pool): Promise<string> {
  const { rows } = await owner.query(
    `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY device_id, window_index)) AS d FROM silver.imu_windows t WHERE partition_date = $1`,
    [DAY],
  );
  return `${rows[0].n}:${rows[0].d}`;
}

async function main() {
  const db = await benchDatabase('day_swap');
  await migrate(db.url, { direction: 'up' });
  const logins = await provisionLogins(db.url, { worker: 'bench-w' });
  const owner = createPool(db.url, { applicationName: 'bench-day-swap', max: 2 });
  const worker = createPool(logins.worker!, { applicationName: 'bench-day-swap-worker', max: 2 });
  try {
    await owner.query(`CREATE TABLE ${SOURCE} (LIKE silver.imu_windows)`);
    await withClient(owner, (client) => copyBatches(client, { table: SOURCE, columns: WINDOWS_TABLE.columns }, dayOfWindows()));
    await owner.query(`VACUUM ANALYZE ${SOURCE}`);
    await owner.query(`GRANT SELECT ON ${SOURCE} TO refinery_worker`);
    const runs = {
      firstDelete: [] as number[],
      firstSwap: [] as number[],
      rerunDelete: [] as number[],
      rerunSwap: [] as number[],
      locked: [] as number[],
      commit: [] as number[],
      deletes: [] as number[],
    };
    let expected = '';
    for (let r = -1; r < ROUNDS; r++) {
      // Round -1 warms both up. Each round: the first write of an empty day, then a re-run over it.
      await emptyDay(owner);
      const firstDelete = (await deleteAndInsert(worker)).ms;
      expected ||= await dayDigest(owner);
      const rerunDelete = await deleteAndInsert(worker);
      verify((await dayDigest(owner)) === expected, 'delete+insert left other rows than a clean write');
      await emptyDay(owner);
      const firstSwap = (await swap(worker)).ms;
      const rerun = await swap(worker);
      verify((await dayDigest(owner)) === expected, 'the swap left other rows than a clean write');
      if (r < 0) continue;
      runs.firstDelete.push(firstDelete);
      runs.rerunDelete.push(rerunDelete.ms);
      runs.deletes.push(rerunDelete.deleteMs);
      runs.firstSwap.push(firstSwap);
      runs.rerunSwap.push(rerun.ms);
      runs.locked.push(rerun.swapMs);
      runs.commit.push(rerun.commitMs);
      console.log(
        `  round ${r + 1}: first write ${firstDelete.toFixed(0)} ms (delete+insert) / ${firstSwap.toFixed(0)} ms (swap); re-run ${rerunDelete.ms.toFixed(0)} (its delete ${rerunDelete.deleteMs.toFixed(0)}) / ${rerun.ms.toFixed(0)} ms (swap call ${rerun.swapMs.toFixed(0)}, commit ${rerun.commitMs.toFixed(0)}), load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
    const { rows: size } = await owner.query(`SELECT pg_total_relation_size($1::regclass)::float8 AS bytes`, [`silver.imu_windows_${DAY.replaceAll('-', '')}`]);
    const rerunRatio = median(runs.rerunSwap) / median(runs.rerunDelete);
    const firstRatio = median(runs.firstSwap) / median(runs.firstDelete);
    writeBenchResult({
      id: 'day-swap',
      title: 'Replacing a day of silver windows: a partition swap against a delete and a COPY',
      reproduce: 'npx tsx bench/day-swap.ts [windows a day] [rounds]',
      workload: `${WINDOWS.toLocaleString('en-US')} windows a day (${(size[0].bytes / 2 ** 20).toFixed(0)} MiB with indexes; 80 devices, 299 features a row, seeded random doubles), written by the worker role into silver.imu_windows' day, each in one transaction: advisory lock, DELETE and INSERT (as lib/db/copy.ts's partition replace does; the anchor), and the swap of lib/db/day-swap.ts (staged table, indexes, detach/drop/attach). The rows are selected from a table in the same database, so that the figures are PostgreSQL's work, where the two differ (the step's COPY encoding is the same for both). ${ROUNDS} rounds after a warm-up round, each the first write of an empty day and then a re-run over it, for both; the day's rows checked equal to a clean write's after every write.`,
      figures: [
        { name: 're-run of a day, swap', ...repeated(runs.rerunSwap), unit: 'ms', ratio: rerunRatio, goal: 'cheaper than delete+insert', met: rerunRatio < 1 },
        { name: 're-run of a day, delete+insert (anchor)', ...repeated(runs.rerunDelete), unit: 'ms', ratio: 1 },
        { name: 'first write of a day, swap', ...repeated(runs.firstSwap), unit: 'ms', ratio: firstRatio },
        { name: 'first write of a day, insert into the empty partition (anchor)', ...repeated(runs.firstDelete), unit: 'ms', ratio: 1 },
        { name: 're-run by swap: the swap call (indexes built, then detach, drop, attach)', ...repeated(runs.locked), unit: 'ms' },
        { name: 're-run by swap: the commit (the old table dropped)', ...repeated(runs.commit), unit: 'ms' },
        { name: 're-run by delete+insert: the DELETE', ...repeated(runs.deletes), unit: 'ms' },
      ],
      notes: [
        'The re-run’s delete leaves the old rows dead in the partition (and in its TOAST and index) until VACUUM; the swap drops them with the old table.',
        'The swap holds silver.imu_windows’ exclusive lock from the detach to the commit; it waits at most 5 s for it (a long reader), then falls back to a delete and an insert from the staged rows.',
      ],
    });
  } finally {
    await Promise.all([owner.end(), worker.end()]);
    await db.stop();
  }
}

await main();
