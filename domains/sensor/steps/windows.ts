// Silver step of the sensor pipeline (compute queue): one day of bronze readings, device by device,
// cleaned (invalid dropped, duplicates removed, ordered), cut into sliding windows, and turned into
// the full feature vector per window; written with the COPY writer, replacing the day. Also the
// day's sessions with their latest labels, and the counts of what cleaning dropped.
import { Context } from '@temporalio/activity';
import pg from 'pg';
import { copyOutRows } from '../../../lib/db/copy-out.ts';
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withClient, withTransaction, type PoolClient } from '../../../lib/db/pool.ts';
import {
  allocateColumns,
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

function dayBounds(day: string): [string, string] {
  const start = new Date(`${day}T00:00:00Z`);
  return [start.toISOString(), new Date(start.getTime() + 86_400_000).toISOString()];
}

/** One device's readings of the day as columns, in time order (bronze may hold them in any order). */
async function readDevice(client: PoolClient, deviceId: string, from: string, to: string): Promise<ReadingColumns> {
  let columns = allocateColumns(4096, [deviceId]);
  const sessions = new Map<string, number>();
  let n = 0;
  const query = `SELECT extract(epoch FROM ts) * 1000, ax, ay, az, gx, gy, gz, mx, my, mz, session_id
                   FROM bronze.imu_readings
                  WHERE device_id = ${pg.escapeLiteral(deviceId)} AND ts >= ${pg.escapeLiteral(from)} AND ts < ${pg.escapeLiteral(to)}
                  ORDER BY ts, received_at`;
  for await (const f of copyOutRows(client, query)) {
    if (n === columns.length) columns = grow(columns);
    columns.timestamp[n] = Number(f[0]);
    columns.ax[n] = Number(f[1]);
    columns.ay[n] = Number(f[2]);
    columns.az[n] = Number(f[3]);
    columns.gx[n] = Number(f[4]);
    columns.gy[n] = Number(f[5]);
    columns.gz[n] = Number(f[6]);
    columns.mx[n] = f[7] === null ? Number.NaN : Number(f[7]);
    columns.my[n] = f[8] === null ? Number.NaN : Number(f[8]);
    columns.mz[n] = f[9] === null ? Number.NaN : Number(f[9]);
    const session = f[10];
    if (session !== null) {
      let code = sessions.get(session);
      if (code === undefined) {
        code = columns.sessionIds.push(session) - 1;
        sessions.set(session, code);
      }
      columns.session[n] = code;
    }
    n++;
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
    const ctx = Context.current();
    const { rows: devices } = await pools.worker.query('SELECT DISTINCT device_id FROM bronze.imu_readings WHERE ts >= $1 AND ts < $2 ORDER BY 1', [from, to]);
    const counts: DayCounts[] = [];
    const extractor = createFeatureExtractor();
    let windowsWritten = 0;
    await withClient(pools.worker, async (reader) => {
      async function* windowRows() {
        for (const { device_id: deviceId } of devices as { device_id: string }[]) {
          const raw = await readDevice(reader, deviceId, from, to);
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
        await replacePartitionIn(
          client,
          {
            table: 'silver.imu_windows',
            columns: ['partition_date', 'device_id', 'session_id', 'window_index', 'start_ts', 'end_ts', 'samples', 'sample_rate_hz', 'features'],
          },
          { partition_date: day },
          { batches: windowRows() },
        );
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
      // Bronze has no partition column: the day is cut by timestamp.
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

/** The day's sessions, each with its latest record (a label may be corrected by a later post). */
async function writeSessions(client: PoolClient, day: string, from: string, to: string): Promise<void> {
  await client.query('DELETE FROM silver.exercise_sessions WHERE partition_date = $1', [day]);
  await client.query(
    `INSERT INTO silver.exercise_sessions (partition_date, device_id, session_id, exercise, started_at, ended_at)
     SELECT DISTINCT ON (device_id, session_id) $1::date, device_id, session_id, exercise, started_at, ended_at
       FROM bronze.exercise_sessions WHERE started_at >= $2 AND started_at < $3
      ORDER BY device_id, session_id, received_at DESC`,
    [day, from, to],
  );
}

async function writeCatalogue(client: PoolClient): Promise<void> {
  await replacePartitionIn(
    client,
    { table: 'silver.feature_catalogue', columns: ['catalogue', 'feature_index', 'name', 'feature_group', 'channel', 'unit', 'description'] },
    { catalogue: FEATURE_CATALOGUE },
    featureCatalogue.map((f) => [FEATURE_CATALOGUE, f.index, f.name, f.group, f.channel, f.unit ?? null, f.description]),
  );
}
