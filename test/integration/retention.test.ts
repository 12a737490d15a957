// Retention on a real PostgreSQL, Temporal and object store: the retention pipeline archives days
// older than their policy to Parquet, verifies each archive and only then drops the day; a restore
// brings back identical rows; a run over an archived day says so; an archive that does not verify
// keeps its partition.
import { Readable } from 'node:stream';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { archiveDay, loadPolicies } from '../../lib/archive/archive.ts';
import type { ObjectStorage } from '../../lib/storage/index.ts';
import { dayDigest, partitionExists, seedSegments } from '../support/archive-seed.ts';
import { refineryCli } from '../support/cli.ts';
import { runPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const RUN_DAY = '2026-11-30'; // bronze keeps 90 days hot: 2026-09-01 and older are archived
const OLD = ['2026-08-01', '2026-08-02', '2026-08-03'];
const HOT = '2026-09-15';

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  for (const day of [...OLD, HOT]) await seedSegments(stack.pools.owner, day, 120, 150);
  // A silver day older than its 400 days.
  await stack.pools.owner.query(`SELECT silver.ensure_imu_windows_partition('2025-10-01')`);
  await stack.pools.owner.query(
    `INSERT INTO silver.imu_windows VALUES ('2025-10-01', 'wrist-1', 's-1', 0, '2025-10-01T10:00:00.000001Z', '2025-10-01T10:00:04Z', 200, 50, ARRAY[1.5, 'NaN', '-0']::float8[])`,
  );
});
afterAll(() => stack?.close());

const cli = (args: string[]) => refineryCli(stack, args, { WORKER_DATABASE_URL: stack.urls.worker, STORAGE_DIR: stack.storageDir });

async function manifestOf(table: string, day: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT state, object_key, rows::int, checksum, object_sha256, error FROM ops.partition_archives WHERE table_name = $1 AND day = $2`,
    [table, day],
  );
  return rows[0];
}

async function objectBytes(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await stack.storage.get(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('retention and archive', () => {
  const before = new Map<string, Awaited<ReturnType<typeof dayDigest>>>();

  it('archives days older than the policy, verified, then drops them; a restore brings back identical rows', async () => {
    for (const day of [...OLD, HOT]) before.set(day, await dayDigest(stack.pools.owner, day));
    expect(before.get(OLD[0]!)!.readings).toBe(120 * 150);

    const summary = await runPipeline(stack, getPipeline('retention'), RUN_DAY);
    expect(summary.status).toBe('succeeded');

    for (const day of OLD) {
      expect(await partitionExists(stack.pools.owner, `bronze.imu_segments_${day.replaceAll('-', '')}`)).toBe(false);
      const m = await manifestOf('bronze.imu_segments', day);
      expect(m).toMatchObject({ state: 'dropped', rows: 120, error: null });
      const head = await stack.storage.head(m.object_key);
      expect(head?.sha256).toBe(m.object_sha256);
      // Read by hyparquet on its own: every segment, every reading's array present.
      const bytes = await objectBytes(m.object_key);
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      expect(rows).toHaveLength(120);
      expect(rows.reduce((n, r) => n + (r.ms as number[]).length, 0)).toBe(120 * 150);
      expect(rows.filter((r) => r.ax8 !== null).every((r) => (r.ax8 as number[]).length === 150)).toBe(true);
    }
    expect(await dayDigest(stack.pools.owner, OLD[0]!)).toEqual({ segments: 0, readings: 0, md5: null });
    // The hot day and the partitions made ahead stay.
    expect(await dayDigest(stack.pools.owner, HOT)).toEqual(before.get(HOT));
    expect(await partitionExists(stack.pools.owner, 'bronze.imu_segments_20261207')).toBe(true);
    expect(await partitionExists(stack.pools.owner, 'silver.imu_windows_20251001')).toBe(false);
    expect(await manifestOf('silver.imu_windows', '2025-10-01')).toMatchObject({ state: 'dropped', rows: 1 });

    const restore = await cli(['archive', 'restore', 'bronze.imu_segments', '--from', OLD[0]!, '--to', OLD[1]!]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('bronze.imu_segments: 2 day(s) restored, 240 rows, checksums equal to the archived ones');
    for (const day of OLD.slice(0, 2)) {
      expect(await dayDigest(stack.pools.owner, day)).toEqual(before.get(day));
      expect((await manifestOf('bronze.imu_segments', day)).state).toBe('restored');
    }
    const silver = await cli(['archive', 'restore', 'silver.imu_windows', '--from', '2025-10-01', '--to', '2025-10-01']);
    expect(silver.code).toBe(0);
    const { rows: windows } = await stack.pools.owner.query(
      `SELECT start_ts::text, features::text FROM silver.imu_windows WHERE partition_date = '2025-10-01'`,
    );
    expect(windows).toEqual([{ start_ts: '2025-10-01 10:00:00.000001+00', features: '{1.5,NaN,-0}' }]);

    // A restored day stays for its keep period: the next run leaves it.
    expect((await runPipeline(stack, getPipeline('retention'), RUN_DAY)).status).toBe('succeeded');
    expect(await dayDigest(stack.pools.owner, OLD[0]!)).toEqual(before.get(OLD[0]!));

    const listing = await cli(['retention']);
    expect(listing.code).toBe(0);
    expect(listing.stdout).toContain('bronze.imu_segments: 90 days hot');
    expect(listing.stdout).toContain(`in PostgreSQL: ${OLD[0]} ..`);
    expect(listing.stdout).toContain(`archived (Parquet, dropped from PostgreSQL): ${OLD[2]}`);
    expect(listing.stdout).toContain(`restored from the archive: ${OLD[0]}..${OLD[1]}`);
  });

  it('a run over an archived day refuses, naming the days and the restore command', async () => {
    const summary = await runPipeline(stack, getPipeline('sensor'), OLD[2]!);
    expect(summary.status).toBe('failed');
    const { rows } = await stack.pools.owner.query(
      `SELECT s.error AS message FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.id = $1 AND s.status = 'failed'`,
      [summary.runId],
    );
    expect(rows[0].message).toContain(
      `bronze.imu_segments for ${OLD[2]} is archived to object storage, not in PostgreSQL; restore it first: refinery archive restore bronze.imu_segments --from ${OLD[2]} --to ${OLD[2]}`,
    );
    // A backfill over a range holding it refuses before starting anything.
    const backfill = await cli(['backfill', 'sensor', '--from', '2026-07-30', '--to', '2026-08-05']);
    expect(backfill.code).toBe(1);
    expect(backfill.stdout).not.toContain('started');
    expect(backfill.stderr.trim()).toBe(
      `refinery: bronze.imu_segments for ${OLD[2]} is archived to object storage, not in PostgreSQL; restore it first: refinery archive restore bronze.imu_segments --from ${OLD[2]} --to ${OLD[2]}`,
    );
    // Nothing was made for the day in the meantime: the partition stays dropped.
    expect(await partitionExists(stack.pools.owner, `bronze.imu_segments_${OLD[2]!.replaceAll('-', '')}`)).toBe(false);
  });

  it('keeps the partition when its archive does not verify, and archives it on the next run', async () => {
    const day = '2026-08-10';
    await seedSegments(stack.pools.owner, day, 40, 100);
    const digest = await dayDigest(stack.pools.owner, day);
    // The store loses the second half of every object it is handed (a truncated upload) after reporting its hash.
    const truncating: ObjectStorage = Object.create(stack.storage, {
      put: {
        value: async (key: string, body: Readable) => {
          const info = await stack.storage.put(key, body);
          const bytes = await objectBytes(key);
          await stack.storage.put(key, Readable.from([bytes.subarray(0, bytes.length >> 1)]));
          return info;
        },
      },
    });
    const [policy] = await loadPolicies(stack.pools.worker, 'bronze.imu_segments');
    const outcome = await archiveDay({ pool: stack.pools.worker, storage: truncating }, policy!, day, RUN_DAY);
    expect(outcome.outcome).toBe('kept');
    expect(outcome.reason).toMatch(/verify failed: archive\/bronze\.imu_segments\/2026\/2026-08-10\.parquet: SHA-256 .* of the stored bytes is not/);
    expect(await dayDigest(stack.pools.owner, day)).toEqual(digest);
    expect(await manifestOf('bronze.imu_segments', day)).toMatchObject({ state: 'pending', error: expect.stringMatching(/^verify failed/) });

    const summary = await runPipeline(stack, getPipeline('retention'), RUN_DAY);
    expect(summary.status).toBe('succeeded');
    expect(await manifestOf('bronze.imu_segments', day)).toMatchObject({ state: 'dropped', rows: 40, error: null });
    expect(await partitionExists(stack.pools.owner, 'bronze.imu_segments_20260810')).toBe(false);
    const restore = await cli(['archive', 'restore', 'bronze.imu_segments', '--from', day, '--to', day]);
    expect(restore.code).toBe(0);
    expect(await dayDigest(stack.pools.owner, day)).toEqual(digest);
  });
  it('drops an empty partition made again for an archived day, and keeps one that got rows, saying why', async () => {
    const day = OLD[2]!;
    await stack.pools.owner.query('SELECT bronze.ensure_imu_partition($1)', [day]);
    expect((await runPipeline(stack, getPipeline('retention'), RUN_DAY)).status).toBe('succeeded');
    expect(await partitionExists(stack.pools.owner, 'bronze.imu_segments_20260803')).toBe(false);
    expect((await manifestOf('bronze.imu_segments', day)).state).toBe('dropped');

    await seedSegments(stack.pools.owner, day, 1, 5);
    const failed = await runPipeline(stack, getPipeline('retention'), RUN_DAY);
    expect(failed.status).toBe('failed');
    const { rows } = await stack.pools.owner.query(`SELECT error FROM ops.step_runs WHERE pipeline_run_id = $1 AND status = 'failed'`, [failed.runId]);
    expect(rows[0].error).toContain(
      `bronze.imu_segments ${day}: archived and dropped before, but the partition holds 1 rows again (late data or a run that wrote the day), which the archive does not have; left in PostgreSQL`,
    );
    expect((await dayDigest(stack.pools.owner, day)).segments).toBe(1);
    await stack.pools.owner.query(`DROP TABLE bronze.imu_segments_20260803`); // the operator's choice, here: the archive wins
  });

  it('a re-run over a restored day writes its archived silver day again, which retention then keeps', async () => {
    const day = OLD[0]!; // bronze restored by the first test
    const first = await runPipeline(stack, getPipeline('sensor'), day);
    expect(first.runId).toBeGreaterThan(0);
    const windows = async () =>
      Number((await stack.pools.owner.query(`SELECT count(*) AS n FROM silver.imu_windows WHERE partition_date = $1`, [day])).rows[0].n);
    const written = await windows();
    expect(written).toBeGreaterThan(0);
    const set = await cli(['retention', 'set', 'silver.imu_windows', '--hot-days', '30']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('silver.imu_windows: 30 days hot');
    expect((await runPipeline(stack, getPipeline('retention'), RUN_DAY)).status).toBe('succeeded');
    expect(await manifestOf('silver.imu_windows', day)).toMatchObject({ state: 'dropped', rows: written });
    expect(await windows()).toBe(0);

    await runPipeline(stack, getPipeline('sensor'), day);
    expect(await windows()).toBe(written);
    expect((await manifestOf('silver.imu_windows', day)).state).toBe('restored');
    expect((await runPipeline(stack, getPipeline('retention'), RUN_DAY)).status).toBe('succeeded');
    expect(await windows()).toBe(written);
  });

  it('drops a day only with a verified archive whose rows are still those in the partition', async () => {
    const day = '2026-08-20';
    await seedSegments(stack.pools.owner, day, 10, 50);
    const drop = async () =>
      (
        await stack.pools.worker.query(
          `SELECT ops.drop_archived_day('bronze.imu_segments', $1, c.rows, c.checksum) AS result FROM ops.day_checksum('bronze.imu_segments', $1) c`,
          [day],
        )
      ).rows[0].result;
    // No verified archive: kept whatever the rows.
    expect(await drop()).toBe('kept: the archive of this day is not verified with these rows');
    const { rows } = await stack.pools.worker.query(`SELECT rows, checksum FROM ops.day_checksum('bronze.imu_segments', $1)`, [day]);
    await stack.pools.worker.query(
      `INSERT INTO ops.partition_archives (table_name, day, state, object_key, rows, checksum) VALUES ('bronze.imu_segments', $1, 'verified', 'x', $2, $3)`,
      [day, rows[0].rows, rows[0].checksum],
    );
    // A segment landing after the archive was verified: the drop sees it under its lock and keeps the day.
    await stack.pools.owner.query(`UPDATE bronze.imu_segments SET session_id = 'late' WHERE day = $1 AND batch_id = $2`, [day, `b-${day}-1`]);
    const kept = await stack.pools.worker.query(`SELECT ops.drop_archived_day('bronze.imu_segments', $1, $2, $3) AS result`, [
      day,
      rows[0].rows,
      rows[0].checksum,
    ]);
    expect(kept.rows[0].result).toBe('kept: the partition changed since it was archived (10 rows now, 10 archived)');
    expect(await partitionExists(stack.pools.owner, 'bronze.imu_segments_20260820')).toBe(true);
    // And no table without a policy can be dropped through it.
    await expect(stack.pools.worker.query(`SELECT ops.drop_archived_day('bronze.ingest_batches', $1, 0, '0:0')`, [day])).rejects.toThrow(
      /no retention policy for table bronze.ingest_batches/,
    );
  });

  it('refuses bad restore arguments with one line naming the field', async () => {
    const bad = await cli(['archive', 'restore', 'bronze.imu_segments', '--from', '2026-02-30', '--to', '2026-03-01']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('refinery: --from: expected a day as YYYY-MM-DD (got "2026-02-30")');
    const unknown = await cli(['archive', 'restore', 'gold.nope', '--from', '2026-03-01', '--to', '2026-03-01']);
    expect(unknown.stderr.trim()).toBe('refinery: no retention policy for gold.nope: nothing of it is archived');
    const set = await cli(['retention', 'set', 'bronze.imu_segments', '--hot-days', '3']);
    expect(set.stderr.trim()).toBe('refinery: --hot-days: must be 7 to 36600 (got 3)');
  });
});
