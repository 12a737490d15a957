// Benchmark: staleness. (1) Detecting the stale partitions of the sensor pipeline over 365 days ×
// 1,000 devices (two arrival sources, 730,000 per-device rows), 30 days of which received late
// readings, with every reason ("N readings from K devices arrived after run R"); anchor: the floor,
// reading the per-day totals and watermarks it compares. (2) Ingest throughput with arrival
// tracking on vs off, in one run: the ingest writer (its COPY transactions, as the API uses it) fed
// by 32 concurrent devices, in alternating rounds so drift hits both alike.
import { sensorPipeline } from '../domains/sensor/pipeline.ts';
import { IngestWriter } from '../domains/sensor/ingest/writer.ts';
import type { ReadingsBatch } from '../domains/sensor/ingest/schema.ts';
import { currentMarks } from '../engine/staleness/current.ts';
import { detectDuePartitions } from '../engine/staleness/detect.ts';
import { readFreshness } from '../engine/staleness/freshness.ts';
import { recordArrivals } from '../engine/staleness/arrivals.ts';
import { migrate } from '../lib/db/migrate.ts';
import { createPool, type Pool } from '../lib/db/pool.ts';
import { provisionLogins } from '../lib/db/roles.ts';
import { benchDatabase } from './support/database.ts';
import { writeBenchResult } from './report.ts';

const DAYS = 365;
const DEVICES = 1000;
const LATE_DAYS = 30;
const ROUND_SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = 6;
const WRITERS = 32;
const BATCH = 500;

const dayKey = (i: number) => new Date(Date.UTC(2025, 11, 1) + i * 86_400_000).toISOString().slice(0, 10);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** 365 days × 1,000 devices of arrivals, a successful run per day that saw them, then late readings on 30 days. */
async function seedHistory(owner: Pool, ingest: Pool): Promise<string[]> {
  for (const source of ['imu_readings', 'exercise_sessions']) {
    const items = source === 'imu_readings' ? '86400 + (d * 7 + g) % 1000' : '1 + (d + g) % 5';
    await owner.query(
      `INSERT INTO ops.arrivals (source, partition_key, origin, items, last_arrival)
       SELECT $1, to_char(date '2025-12-01' + d, 'YYYY-MM-DD'), 'wrist-' || lpad(g::text, 4, '0'), ${items}, timestamptz '2025-12-02' + d * interval '1 day'
         FROM generate_series(0, ${DAYS - 1}) d, generate_series(1, ${DEVICES}) g`,
      [source],
    );
    await owner.query(
      `INSERT INTO ops.arrival_totals (source, partition_key, items, last_arrival)
       SELECT source, partition_key, sum(items), max(last_arrival) FROM ops.arrivals WHERE source = $1 GROUP BY 1, 2`,
      [source],
    );
  }
  const marks = await currentMarks(owner, sensorPipeline);
  const days = [...marks.keys()].sort();
  await owner.query(
    `WITH runs AS (
       INSERT INTO ops.pipeline_runs (pipeline, partition_key, status, trigger, workflow_id, run_id, started_at, ended_at, inputs)
       SELECT 'sensor', d, 'succeeded', 'schedule', 'sensor/' || d, 'bench', now(), now(), m FROM unnest($1::text[], $2::jsonb[]) AS t(d, m)
       RETURNING id, partition_key, inputs)
     INSERT INTO ops.partition_watermarks (pipeline, partition_key, run_id, succeeded_at, inputs, checks_run) SELECT 'sensor', partition_key, id, now(), inputs, 9 FROM runs`,
    [days, days.map((d) => JSON.stringify(marks.get(d)))],
  );
  const late = Array.from({ length: LATE_DAYS }, (_, i) => days[(i * 37) % DAYS]!);
  for (const [i, day] of late.entries()) {
    await recordArrivals(ingest, 'imu_readings', [
      { partition: day, origin: `wrist-${String(1 + i).padStart(4, '0')}`, items: 200 + i },
      { partition: day, origin: 'wrist-late', items: 112 },
    ]);
  }
  await owner.query('ANALYZE ops.arrivals, ops.arrival_log, ops.arrival_totals, ops.partition_watermarks, ops.pipeline_runs');
  return late;
}

function batches(round: number): ReadingsBatch[][] {
  // Each writer is a device posting today's readings; one batch in ten is a late one, for another day.
  return Array.from({ length: WRITERS }, (_, w) =>
    Array.from({ length: 50 }, (_, b) => {
      const day = b % 10 === 9 ? 30 + ((w + b) % 60) : 0;
      const start = Date.UTC(2026, 10, 29) - day * 86_400_000 + (round * 50 + b) * BATCH * 20;
      return {
        deviceId: `wrist-${w}`,
        batchId: '',
        sessionId: `s-${w}`,
        readings: Array.from({ length: BATCH }, (_, i) => ({
          timestamp: start + i * 20,
          ax: Math.sin(i) * 4,
          ay: 1.5,
          az: 9.81,
          gx: 0.01,
          gy: 0.02,
          gz: -0.03,
          mx: 21.5,
          my: -4.25,
          mz: 39.75,
        })),
      };
    }),
  );
}

/** Readings committed per second by one writer fed by WRITERS devices for `seconds`. */
async function ingestRound(ingest: Pool, trackArrivals: boolean, round: number, seconds: number): Promise<number> {
  const writer = new IngestWriter(ingest, { trackArrivals });
  const feed = batches(round);
  let seq = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    feed.map(async (mine, w) => {
      for (let b = 0; performance.now() < until; b++) {
        const { landing } = await writer.submit({ ...mine[b % mine.length]!, batchId: `r${round}-${trackArrivals ? 'on' : 'off'}-${w}-${seq++}` }, 'bench');
        if (landing !== 'stored') throw new Error(`a fresh batch was ${landing}`);
      }
    }),
  );
  await writer.drain();
  return writer.stats.readings / ((performance.now() - started) / 1000);
}

async function main() {
  const db = await benchDatabase('staleness');
  await migrate(db.url, { direction: 'up' });
  const logins = await provisionLogins(db.url, { worker: 'bench-w', ingest: 'bench-i', api: 'bench-a' });
  const owner = createPool(db.url, { applicationName: 'bench-staleness', max: 4 });
  const worker = createPool(logins.worker!, { applicationName: 'bench-staleness-worker', max: 4 });
  const api = createPool(logins.api!, { applicationName: 'bench-staleness-api', max: 4 });
  const ingest = createPool(logins.ingest!, { applicationName: 'bench-staleness-ingest', max: 4 });
  try {
    await owner.query('TRUNCATE ops.arrivals, ops.arrival_log, ops.arrival_totals, ops.partition_watermarks, ops.pipeline_runs CASCADE');
    const late = await seedHistory(owner, ingest);

    // (1) Detection, as the reconciler, the CLI and the stale endpoint do it.
    const detections: number[] = [];
    for (let i = 0; i < 7; i++) {
      const { ms, value } = await timed(() => detectDuePartitions(worker, sensorPipeline));
      if (value.partitions.length !== LATE_DAYS) throw new Error(`found ${value.partitions.length} stale days, expected ${LATE_DAYS}`);
      const sample = value.partitions.find((p) => p.partition === late[3]);
      if (!/^315 readings from 2 devices arrived after run \d+$/.test(sample?.reason ?? '')) {
        throw new Error(`unexpected reason for ${late[3]}: ${sample?.reason}`);
      }
      detections.push(ms);
    }
    const floors: number[] = [];
    for (let i = 0; i < 7; i++) {
      floors.push(
        (
          await timed(() =>
            Promise.all([
              worker.query(`SELECT partition_key, items, last_arrival FROM ops.arrival_totals WHERE source IN ('imu_readings', 'exercise_sessions')`),
              worker.query(`SELECT partition_key, run_id, inputs FROM ops.partition_watermarks WHERE pipeline = 'sensor'`),
            ]),
          )
        ).ms,
      );
    }
    const perDevice: number[] = [];
    for (let i = 0; i < 3; i++) {
      perDevice.push((await timed(() => worker.query(`SELECT source, partition_key, sum(items), max(last_arrival) FROM ops.arrivals GROUP BY 1, 2`))).ms);
    }
    // The device listing's freshness: every day of the year, as the API reads it.
    const freshness: number[] = [];
    const allDays = Array.from({ length: DAYS }, (_, i) => dayKey(i));
    for (let i = 0; i < 7; i++) {
      const { ms, value } = await timed(() => readFreshness(api, sensorPipeline, allDays));
      if (value.partitions.filter((p) => p.stale).length !== LATE_DAYS) throw new Error('the freshness read missed stale days');
      freshness.push(ms);
    }

    // (2) Ingest with tracking on vs off, alternating rounds.
    const on: number[] = [];
    const off: number[] = [];
    await ingestRound(ingest, true, 99, 2); // warm-up
    // Pairs of rounds, the first of each pair alternating, so drift and warm-up favour neither.
    for (let r = 0; r < ROUNDS; r++) {
      for (const tracking of r % 2 ? [true, false] : [false, true]) (tracking ? on : off).push(await ingestRound(ingest, tracking, r, ROUND_SECONDS));
      console.log(`  round ${r + 1}: off ${Math.round(off[r]!)} readings/s, on ${Math.round(on[r]!)} readings/s`);
    }
    const onRate = median(on);
    const offRate = median(off);
    const pairRatio = median(on.map((v, i) => v / off[i]!));

    const detectMs = median(detections);
    writeBenchResult({
      id: 'staleness',
      title: 'Staleness: detecting stale partitions, and ingest with arrival tracking on vs off',
      reproduce: 'npx tsx bench/staleness.ts [seconds per ingest round]',
      workload: `the sensor pipeline's stale days among ${DAYS} days × ${DEVICES} devices (arrivals of readings and sessions: ${2 * DAYS * DEVICES} per-device rows, a successful run per day that saw them), ${LATE_DAYS} days of which got late readings from 2 devices, every reason written out; median of 7, through the worker role. Ingest: the API's ingest writer fed by ${WRITERS} devices posting ${BATCH}-reading batches (one in ten for a day a month or more back), ${ROUNDS} rounds of ${ROUND_SECONDS} s each with tracking off and on, alternating; median round`,
      figures: [
        { name: 'stale partitions detected, with reasons', value: detectMs, unit: 'ms', ratio: detectMs / median(floors), goal: '<1 s', met: detectMs < 1000 },
        { name: 'reading the totals and watermarks compared (floor)', value: median(floors), unit: 'ms', ratio: 1 },
        { name: 'totals from per-device rows instead (not done)', value: median(perDevice), unit: 'ms', ratio: median(perDevice) / median(floors) },
        { name: 'freshness of 365 days (a device listing, API role)', value: median(freshness), unit: 'ms' },
        {
          name: 'ingest with arrival tracking',
          value: onRate,
          unit: 'readings/s',
          ratio: pairRatio,
          goal: 'within 5% of off (≥0.95×)',
          met: pairRatio >= 0.95,
        },
        { name: 'ingest without arrival tracking (anchor)', value: offRate, unit: 'readings/s', ratio: 1 },
      ],
      notes: [
        'Ingest appends one row per day per COPY transaction to ops.arrival_log (through bronze.record_arrivals: no conflicts, no row locks); a fold now and then, off the request path, moves it into per-(day, device) counts and per-day totals, so detection reads one row per day and source (plus the log not folded yet) instead of the readings; the per-device rows only name how many devices sent late data.',
        `Ingest rounds (readings/s): off ${off.map((v) => Math.round(v)).join(', ')}; on ${on.map((v) => Math.round(v)).join(', ')}; the ratio is the median of the rounds' on/off ratios.`,
        'The machine is shared: client, writer and PostgreSQL run on the same 2 cores.',
      ],
    });
  } finally {
    await Promise.all([owner.end(), worker.end(), api.end(), ingest.end()]);
    await db.stop();
  }
}

await main();
