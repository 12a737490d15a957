// Silver step of the sensor pipeline (compute queue): one day of bronze readings, device by device,
// cleaned (invalid dropped, duplicates removed, ordered), cut into sliding windows, and turned into
// the full feature vector per window; written by the COPY writer, a big day into a staged table
// swapped in for the day's partition. Also the day's sessions with their latest labels, and the
// counts of what cleaning dropped.
import { ApplicationFailure, Context } from '@temporalio/activity';
import pg from 'pg';
import { archivedDays, markRederived } from '../../../lib/archive/archive.ts';
import { ArchivedRangeError } from '../../../lib/archive/policy.ts';
import { copyOutRows } from '../../../lib/db/copy-out.ts';
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { writeDay, type SwappedTable } from '../../../lib/db/day-swap.ts';
import { withClient, withTransaction, type PoolClient } from '../../../lib/db/pool.ts';
import {
  allocateColumns,
  CHANNELS,
  cleanReadings,
  createFeatureExtractor,
  cutWindows,
  FEATURE_COUNT,
  featureCatalogue,
  windowSampleRate,
  type CleaningCounts,
  type ReadingColumns,
} from '../../../lib/imu/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const FEATURE_CATALOGUE = 'imu-v1';

/** A big day of windows is written into a staged table and swapped in for the old day (migrations/0084). */
const IMU_WINDOWS: SwappedTable = {
  table: 'silver.imu_windows',
  key: 'partition_date',
  columns: ['partition_date', 'device_id', 'session_id', 'window_index', 'start_ts', 'end_ts', 'samples', 'sample_rate_hz', 'features'],
  stage: 'silver.stage_imu_windows_day',
  swap: 'silver.swap_imu_windows_day',
};

function dayBounds(day: string): [string, string] {
  const start = new Date(`${day}T00:00:00Z`);
  return [start.toISOString(), new Date(start.getTime() + 86_400_000).toISOString()];
}

/** Parses a PostgreSQL array's text ("{1.5,NULL,2}") into `into` from `offset`; NULL becomes NaN. Returns the count. */
function parseArray(text: string, into: Float64Array | Int32Array, offset: number): number {
  let start = 1;
  let k = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */ || c === 125 /* } */) {
      if (i > start) into[offset + k++] = Number(text.slice(start, i));
      start = i + 1;
    }
  }
  return k;
}

/**
 * One device's readings of the day as columns, segment by segment in the order they arrived (the
 * first copy of a reading sent twice comes first; cleaning orders by time). Channels stored as real
 * print as the decimal the device sent, so Number() of the text is the value it sent.
 */
async function readDevice(client: PoolClient, deviceId: string, day: string): Promise<ReadingColumns> {
  let columns = allocateColumns(4096, [deviceId]);
  const sessions = new Map<string, number>();
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  let n = 0;
  const query = `SELECT session_id, ms::text, ${CHANNELS.map((c) => `coalesce(${c}8::text, ${c}::text)`).join(', ')}
                   FROM bronze.imu_segments
                  WHERE day = ${pg.escapeLiteral(day)} AND device_id = ${pg.escapeLiteral(deviceId)}
                  ORDER BY received_at, batch_id, ms[1]`;
  let ms = new Int32Array(4096);
  for await (const f of copyOutRows(client, query)) {
    if (ms.length < f[1]!.length) ms = new Int32Array(f[1]!.length);
    const count = parseArray(f[1]!, ms, 0);
    while (n + count > columns.length) columns = grow(columns);
    for (let i = 0; i < count; i++) columns.timestamp[n + i] = dayStart + ms[i]!;
    for (let c = 0; c < 9; c++) {
      const text = f[2 + c];
      if (text === null) columns[CHANNELS[c]!].fill(Number.NaN, n, n + count);
      else if (parseArray(text!, columns[CHANNELS[c]!], n) !== count)
        throw new Error(`a bronze segment of ${deviceId} on ${day} has channels of different lengths`);
    }
    const session = f[0];
    if (session !== null) {
      let code = sessions.get(session!);
      if (code === undefined) {
        code = columns.sessionIds.push(session!) - 1;
        sessions.set(session!, code);
      }
      columns.session.fill(code, n, n + count);
    }
    n += count;
  }
  return { ...columns, length: n };
}

function grow(c: ReadingColumns): ReadingColumns {
  const bigger = allocateColumns(c.length * 2, c.deviceIds, c.sessionIds);
  for (const key of ['timestamp', 'ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz', 'device', 'session'] as const) {
    (bigger[key] as Float64Array | Int32Array).set(c[key] as Float64Array & Int32Array);
  }
  return bigger;
}

interface DayCounts extends CleaningCounts {
  deviceId: string;
  windows: number;
}

export const buildImuWindows: StepFactory =
  ({ pools, log }) =>
  async (input) => {
    const day = input.partition;
    const [from, to] = dayBounds(day);
    const size = Number(input.params.windowSize ?? 200);
    const overlap = Number(input.params.windowOverlap ?? 0.5);
    // The old day's size from which a re-run swaps its partition (bytes; unset: the table's own threshold).
    const swapFromBytes = input.params.swapFromBytes === undefined ? undefined : Number(input.params.swapFromBytes);
    const ctx = Context.current();
    // A day archived and dropped by retention is not read as an empty day: the run says so.
    const archived = await archivedDays(pools.worker, 'bronze.imu_segments', day, day);
    if (archived.length) {
      const e = new ArchivedRangeError('bronze.imu_segments', archived);
      throw ApplicationFailure.nonRetryable(e.message, e.name);
    }
    // The day's partitions (late rows moved out of the default ones) and a week of bronze ones ahead.
    await pools.worker
      .query(`SELECT bronze.ensure_imu_partitions($1::date, $1::date + 7), silver.ensure_imu_windows_partition($1::date)`, [day])
      .catch((e: Error) => {
        log.warn({ day, err: e.message }, 'partitions not made now (a lock held too long); the day is read and written all the same');
      });
    const { rows: devices } = await pools.worker.query('SELECT DISTINCT device_id FROM bronze.imu_segments WHERE day = $1 ORDER BY 1', [day]);
    const counts: DayCounts[] = [];
    const extractor = createFeatureExtractor();
    let windowsWritten = 0;
    await withClient(pools.worker, async (reader) => {
      async function* windowRows() {
        for (const { device_id: deviceId } of devices as { device_id: string }[]) {
          const raw = await readDevice(reader, deviceId, day);
          const { columns, counts: c } = cleanReadings(raw);
          const windows = cutWindows(columns, { size, overlap });
          counts.push({ ...c, deviceId, windows: windows.length });
          const out = new Float64Array(FEATURE_COUNT);
          const batch: unknown[][] = [];
          for (let w = 0; w < windows.length; w++) {
            const win = windows[w]!;
            extractor.extract(columns, win, out, 0);
            batch.push([
              day,
              deviceId,
              win.sessionId,
              w,
              new Date(win.startTs),
              new Date(win.endTs),
              win.end - win.start,
              windowSampleRate(win),
              Float64Array.from(out),
            ]);
            if (batch.length === 2000) {
              yield batch.splice(0);
              ctx.heartbeat({ device: deviceId, windows: windowsWritten + w });
              // Let heartbeats and cancellation through between batches of CPU work.
              await new Promise((r) => setImmediate(r));
            }
          }
          if (batch.length) yield batch.splice(0);
          windowsWritten += windows.length;
        }
      }
      await withTransaction(pools.worker, async (client) => {
        // Windows of a day archived before are back in PostgreSQL: retention archives them again later.
        await markRederived(client, 'silver.imu_windows', day);
        const windows = await writeDay(client, IMU_WINDOWS, day, windowRows(), { swapFromBytes });
        await replacePartitionIn(
          client,
          {
            table: 'silver.imu_cleaning',
            columns: ['partition_date', 'device_id', 'readings_in', 'kept', 'non_finite', 'out_of_range', 'duplicates', 'magnetometer_cleared', 'windows'],
          },
          { partition_date: day },
          counts.map((c) => [day, c.deviceId, c.input, c.kept, c.nonFinite, c.outOfRange, c.duplicates, c.magnetometerCleared, c.windows]),
        );
        await writeSessions(client, day, from, to);
        await writeCatalogue(client);
        // Last, since the swap holds the windows table's exclusive lock until COMMIT.
        log.info({ day, how: await windows.finish() }, 'windows written');
      });
    });
    const readings = counts.reduce((n, c) => n + c.input, 0);
    for (const c of counts)
      log.info(
        { device: c.deviceId, readings: c.input, kept: c.kept, windows: c.windows },
        `${c.deviceId}: ${c.kept} of ${c.input} readings kept, ${c.windows} windows`,
      );
    return {
      read: { 'bronze.imu_readings': readings },
      written: { 'silver.imu_windows': windowsWritten, 'silver.imu_cleaning': counts.length, 'silver.feature_catalogue': featureCatalogue.length },
      // Bronze is partitioned by the UTC day of the reading.
      partitions: {
        reads: [
          { table: 'bronze.imu_readings', partition: day },
          { table: 'bronze.exercise_sessions', partition: day },
        ],
      },
      metrics: {
        devices: counts.length,
        readingsKept: counts.reduce((n, c) => n + c.kept, 0),
        droppedInvalid: counts.reduce((n, c) => n + c.nonFinite + c.outOfRange, 0),
        droppedDuplicates: counts.reduce((n, c) => n + c.duplicates, 0),
      },
    };
  };

/** The sessions started in [$2, $3) as day $1's, each with its latest record (a label may be corrected by a later post). */
export const daySessionsQuery = `SELECT DISTINCT ON (device_id, session_id) $1::date, device_id, session_id, exercise, started_at, ended_at
   FROM bronze.exercise_sessions WHERE started_at >= $2 AND started_at < $3
  ORDER BY device_id, session_id, received_at DESC`;

async function writeSessions(client: PoolClient, day: string, from: string, to: string): Promise<void> {
  await client.query('DELETE FROM silver.exercise_sessions WHERE partition_date = $1', [day]);
  await client.query(`INSERT INTO silver.exercise_sessions (partition_date, device_id, session_id, exercise, started_at, ended_at) ${daySessionsQuery}`, [
    day,
    from,
    to,
  ]);
}

async function writeCatalogue(client: PoolClient): Promise<void> {
  await replacePartitionIn(
    client,
    { table: 'silver.feature_catalogue', columns: ['catalogue', 'feature_index', 'name', 'feature_group', 'channel', 'unit', 'description'] },
    { catalogue: FEATURE_CATALOGUE },
    featureCatalogue.map((f) => [FEATURE_CATALOGUE, f.index, f.name, f.group, f.channel, f.unit ?? null, f.description]),
  );
}
