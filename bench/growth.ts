// Benchmark: data growth. Bronze readings' bytes per reading, indexes and TOAST included, in the old
// flat layout (one row per reading, text ids, float8, BRIN; the anchor) and in the lean segments of
// migrations/0070; then a simulated fleet's history grown to 1, 7, 30 and 90 days, measuring at each
// size, in one run: the nightly silver step of the newest day, the ingest writer's throughput, and
// the p99 of the API's device and session reads (a real `refinery api` over a fleet's gold history),
// with the database pages each read touches. Over 300 lines: every measure must share one run and
// one history (the goals compare sizes within a run); the API side lives in support/device-reads.ts.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import os from 'node:os';
import { IngestWriter } from '../domains/sensor/ingest/writer.ts';
import { SEGMENT_COLUMNS, segmentRows } from '../domains/sensor/ingest/segments.ts';
import type { ReadingsBatch } from '../domains/sensor/ingest/schema.ts';
import { buildImuWindows, daySessionsQuery } from '../domains/sensor/steps/windows.ts';
import { hourlyArrivalsQuery } from '../domains/sensor/steps/uptime.ts';
import { EXERCISES } from '../lib/imu/exercises.ts';
import { generateSession } from '../lib/imu/synthetic.ts';
import type { ActivityDeps } from '../engine/activities/deps.ts';
import type { StepInput } from '../engine/pipeline/types.ts';
import { copyBinaryBatches, copyRows } from '../lib/db/copy.ts';
import { migrate } from '../lib/db/migrate.ts';
import { createPool, withClient, type Pool } from '../lib/db/pool.ts';
import { provisionLogins } from '../lib/db/roles.ts';
import { createLogger } from '../lib/log.ts';
import { benchDatabase } from './support/database.ts';
import {
  blocksRead,
  blocksReadBetween,
  GOLD,
  loadGoldDay,
  measureReads,
  readPages,
  READS,
  startReadsApi,
  type Read,
  type ReadsApi,
} from './support/device-reads.ts';
import { describeBackground, sampleBackground, type Background } from './support/background.ts';
import { median, repeated, verify, writeBenchResult } from './report.ts';

const READINGS_PER_DAY = Number(process.argv[2] ?? 240_000);
const ROUND_SECONDS = Number(process.argv[3] ?? 4);
const DEVICES = 8;
const BATCH = 500;
const WRITERS = 16;
/** History sizes: a day, the first week (from when a 7-day read or a 20-session page answers in full), a month, a quarter. */
const STAGES = [1, 7, 30, 90];
/** Requests of each API read at each history size. */
const READ_REQUESTS = 4000;
/** Judged passes at each size; a read's judged p99 is the median of its passes' p99s (one noisy pass on a 2-core machine moves no goal). */
const JUDGED_PASSES = 3;
const DAY_MS = 86_400_000;
/** The newest day of history: the nightly run's day. Ingest posts the day after it. */
const NEWEST = Date.UTC(2026, 9, 31);
const dayKey = (t: number) => new Date(t).toISOString().slice(0, 10);

type Reading = ReadingsBatch['readings'][number];

/** The first history size (days) at which a read answers as much as it ever will: a 7-day range, a 20-session page (3 sessions a day) and the listing's freshness (7 days named) fill on day 7. */
const FULL_FROM: Record<Read, number> = { activity: 7, sessions: 7, session: 1, list: 7, clock: 1 };

const READ_NAMES: Record<Read, string> = {
  activity: 'a device’s last 7 days (GET /v1/devices/{id}/activity)',
  sessions: 'a device’s sessions page (GET /v1/devices/{id}/sessions)',
  session: 'one session with its windows (GET /v1/devices/{id}/sessions/{sessionId})',
  list: 'the device listing, a page of 20 with their totals (GET /v1/devices)',
  clock: 'the server clock, no database (GET /v1/time; control)',
};

/**
 * Each device's day of readings from the realistic simulator (lib/imu/synthetic.ts: a wearer, an
 * exercise, sensor noise, 16-bit quantisation, losses), made once and replayed every day. `full`
 * is what the simulator sends (float64 multiples of the sensor's LSB); `short` the same rounded to
 * four decimals, as firmware printing four decimals sends them.
 */
const simulated = { full: [] as Reading[][], short: [] as Reading[][] };
function simulateDevices(): void {
  const perDevice = Math.floor(READINGS_PER_DAY / DEVICES);
  for (let d = 0; d < DEVICES; d++) {
    const session = generateSession({
      exercise: EXERCISES[d % EXERCISES.length]!,
      deviceId: `wrist-${d}`,
      sessionId: 's',
      start: 0,
      durationS: Math.ceil((perDevice * 1.05) / 50) + 5,
      seed: d + 1,
      onlyExercise: true,
    });
    const full = session.readings.slice(0, perDevice);
    verify(full.length === perDevice, `the simulator gave ${full.length} readings, expected ${perDevice}`);
    simulated.full.push(full);
    simulated.short.push(
      full.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'timestamp' ? v : Math.round(v * 1e4) / 1e4])) as unknown as Reading),
    );
  }
}

/** One day of the fleet: DEVICES devices, each its simulated session from 07:00, in batches. */
function* dayBatches(day: number, kind: 'short' | 'full'): Generator<ReadingsBatch> {
  for (let d = 0; d < DEVICES; d++) {
    const mine = simulated[kind][d]!;
    const shift = day + 7 * 3_600_000 + d * 60_000 - mine[0]!.timestamp;
    for (let b = 0; b * BATCH < mine.length; b++) {
      const readings = mine.slice(b * BATCH, (b + 1) * BATCH).map((r) => ({ ...r, timestamp: r.timestamp + shift }));
      yield { deviceId: `wrist-${d}`, batchId: `${dayKey(day)}-${b}`, sessionId: `${dayKey(day)}-s${d}`, readings };
    }
  }
}

/** Loads a day as ingest would have: its partition, segments, batch keys and sessions. */
async function loadDay(owner: Pool, day: number, kind: 'short' | 'full' = 'short'): Promise<number> {
  await owner.query('SELECT bronze.ensure_imu_partition($1::date)', [dayKey(day)]);
  const received = new Date(day + DAY_MS - 60_000);
  let readings = 0;
  const batches = [...dayBatches(day, kind)];
  await withClient(owner, async (client) => {
    await copyBinaryBatches(
      client,
      { table: 'bronze.imu_segments', columns: SEGMENT_COLUMNS },
      (function* () {
        for (const b of batches) {
          readings += b.readings.length;
          yield segmentRows(b, received);
        }
      })(),
    );
    await copyRows(
      client,
      { table: 'bronze.ingest_batches', columns: ['device_id', 'batch_id', 'kind', 'items', 'key_id', 'received_at'] },
      batches.map((b) => [b.deviceId, b.batchId, 'readings', b.readings.length, 'bench', received]),
    );
    await copyRows(
      client,
      { table: 'bronze.exercise_sessions', columns: ['device_id', 'session_id', 'batch_id', 'exercise', 'started_at', 'ended_at', 'received_at'] },
      Array.from({ length: DEVICES }, (_, d) => [
        `wrist-${d}`,
        `${dayKey(day)}-s${d}`,
        `${dayKey(day)}-session`,
        ['squat', 'pushup', 'lunge'][d % 3],
        new Date(day + 7 * 3_600_000 + d * 60_000),
        new Date(day + 8 * 3_600_000),
        received,
      ]),
    );
  });
  return readings;
}

async function bytesOf(owner: Pool, table: string): Promise<number> {
  const { rows } = await owner.query('SELECT pg_total_relation_size($1::regclass)::float8 AS bytes', [table]);
  return rows[0].bytes;
}

/** The old layout (migrations/0003) in a scratch table, holding the same day: the anchor. */
async function flatBytesPerReading(owner: Pool, day: number): Promise<number> {
  await owner.query(`CREATE TABLE public.flat_readings (device_id text NOT NULL, batch_id text NOT NULL, session_id text, ts timestamptz NOT NULL,
    ax float8 NOT NULL, ay float8 NOT NULL, az float8 NOT NULL, gx float8 NOT NULL, gy float8 NOT NULL, gz float8 NOT NULL, mx float8, my float8, mz float8, received_at timestamptz NOT NULL)`);
  await owner.query('CREATE INDEX ON public.flat_readings USING brin (ts) WITH (pages_per_range = 32)');
  await owner.query(`INSERT INTO public.flat_readings SELECT * FROM bronze.imu_readings WHERE ts >= $1 AND ts < $2`, [new Date(day), new Date(day + DAY_MS)]);
  await owner.query('VACUUM ANALYZE public.flat_readings');
  const { rows } = await owner.query('SELECT count(*)::float8 AS n FROM public.flat_readings');
  const bytes = (await bytesOf(owner, 'public.flat_readings')) / rows[0].n;
  await owner.query('DROP TABLE public.flat_readings');
  return bytes;
}

/** Bytes per reading of one day's partition, indexes and TOAST included (after VACUUM, as a day at rest). */
async function leanBytesPerReading(owner: Pool, day: number, readings: number): Promise<number> {
  const partition = `bronze.imu_segments_${dayKey(day).replaceAll('-', '')}`;
  await owner.query(`VACUUM ANALYZE ${partition}`);
  return (await bytesOf(owner, partition)) / readings;
}

/** The sensor pipeline's silver step for the newest day, as a Temporal activity (5 runs). */
async function nightly(worker: Pool): Promise<{ ms: number[]; windows: number }> {
  const step = buildImuWindows({ pools: { worker }, log: createLogger('silent', 'bench-growth') } as unknown as ActivityDeps);
  const input = {
    pipeline: 'sensor',
    partition: dayKey(NEWEST),
    stepId: 'windows',
    layer: 'silver',
    runId: 1,
    params: {},
    writes: [],
    checks: [],
  } as unknown as StepInput;
  const ms: number[] = [];
  let windows = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const result = await new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(step, input);
    ms.push(performance.now() - t);
    windows = (result as { written?: Record<string, number> }).written?.['silver.imu_windows'] ?? 0;
  }
  return { ms, windows };
}

/** Database pages a day's read of bronze batches (the uptime pipeline) and of bronze sessions (the nightly run) touch, under EXPLAIN (ANALYZE, BUFFERS). */
async function dayReadPages(owner: Pool, day: number): Promise<{ batches: number; sessions: number }> {
  const pages = async (query: string, params: unknown[]) => {
    const { rows } = await owner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query}`, params);
    const plan = rows[0]['QUERY PLAN'][0].Plan as Record<string, number>;
    return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
  };
  return {
    batches: await pages(hourlyArrivalsQuery, [dayKey(day)]),
    sessions: await pages(daySessionsQuery, [dayKey(day), new Date(day), new Date(day + DAY_MS)]),
  };
}

/** BATCH readings of a simulated day (the s-th slice, wrapping), re-timed from `start`. */
function replay(source: Reading[], s: number, start: number): Reading[] {
  const from = (s * BATCH) % (source.length - BATCH);
  return source.slice(from, from + BATCH).map((r, i) => ({ ...r, timestamp: start + i * 20 }));
}

/** Readings committed per second by the ingest writer fed by WRITERS devices posting the day after the newest. */
async function ingestRound(ingest: Pool, owner: Pool, label: string): Promise<number> {
  const writer = new IngestWriter(ingest, { trackArrivals: true });
  const today = NEWEST + DAY_MS;
  let seq = 0;
  const until = performance.now() + ROUND_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (performance.now() < until) {
        const s = seq++;
        const start = today + 7 * 3_600_000 + s * BATCH * 20;
        const batch = {
          deviceId: `live-${w}`,
          batchId: `${label}-${s}`,
          sessionId: `live-${w}`,
          readings: replay(simulated.short[w % DEVICES]!, s, start),
        };
        const { landing } = await writer.submit(batch, 'bench');
        verify(landing === 'stored', `a fresh batch was ${landing}`);
      }
    }),
  );
  await writer.drain();
  const rate = writer.stats.readings / ((performance.now() - started) / 1000);
  // Leave the newest day's history as it was: the posted day is emptied again.
  await owner.query(`TRUNCATE bronze.imu_segments_${dayKey(today).replaceAll('-', '')}`);
  await owner.query(`DELETE FROM bronze.ingest_batches WHERE batch_id LIKE $1`, [`${label}-%`]);
  return rate;
}

interface Stage {
  days: number;
  readings: number;
  nightlyMs: number[];
  ingest: number[];
  /** The first pass of reads right after the bench loaded this history (caches cold for it), and the blocks read from outside shared buffers meanwhile. */
  cold: Record<Read, { p99: number; p50: number }>;
  coldMisses: number;
  coldBackground: Background;
  /** The next passes: the API serving steadily, the reads judged (the median of JUDGED_PASSES passes' p99s); and the blocks read meanwhile. */
  reads: Record<Read, { p99: number; p50: number }>;
  misses: number;
  background: Background;
  /** The tables whose blocks the judged passes read from outside shared buffers, most first. */
  missTables: string[];
  pages: Record<Read, number>;
  bronzePages: { batches: number; sessions: number };
  load: number;
}

async function main() {
  const db = await benchDatabase('growth');
  await migrate(db.url, { direction: 'up' });
  const logins = await provisionLogins(db.url, { worker: 'bench-w', ingest: 'bench-i', api: 'bench-a', registrar: 'bench-r' });
  const owner = createPool(db.url, { applicationName: 'bench-growth', max: 4 });
  const worker = createPool(logins.worker!, { applicationName: 'bench-growth-worker', max: 4 });
  const ingest = createPool(logins.ingest!, { applicationName: 'bench-growth-ingest', max: 4 });
  let api: ReadsApi | undefined;
  try {
    api = await startReadsApi(owner, db.url, logins);
    await owner.query(
      'TRUNCATE bronze.imu_segments, bronze.ingest_batches, bronze.exercise_sessions, gold.device_daily_activity, gold.session_summaries, gold.window_predictions',
    );
    simulateDevices();
    // Bytes per reading: a day of short decimals in both layouts, and a day of full doubles.
    const perDay = await loadDay(owner, NEWEST);
    await loadGoldDay(owner, dayKey(NEWEST));
    const flat = await flatBytesPerReading(owner, NEWEST);
    const lean = await leanBytesPerReading(owner, NEWEST, perDay);
    const fullDay = NEWEST + 10 * DAY_MS;
    const fullReadings = await loadDay(owner, fullDay, 'full');
    const leanFull = await leanBytesPerReading(owner, fullDay, fullReadings);
    await owner.query(`DROP TABLE bronze.imu_segments_${dayKey(fullDay).replaceAll('-', '')}`);
    await owner.query(`DELETE FROM bronze.ingest_batches WHERE batch_id LIKE $1`, [`${dayKey(fullDay)}-%`]);
    await owner.query(`DELETE FROM bronze.exercise_sessions WHERE session_id LIKE $1`, [`${dayKey(fullDay)}-%`]);
    console.log(`  bytes per reading: flat ${flat.toFixed(1)}, lean ${lean.toFixed(1)} (short decimals), ${leanFull.toFixed(1)} (full doubles)`);

    // Warm-up (JIT, caches), so the first history size is not measured cold.
    for (let w = 0; w < 2; w++) {
      await nightly(worker);
      await ingestRound(ingest, owner, `warmup-${w}`);
      await measureReads(api, dayKey(NEWEST), READ_REQUESTS / 4);
    }
    const stages: Stage[] = [];
    let loaded = 1;
    let readings = perDay;
    for (const days of STAGES) {
      const t = performance.now();
      for (; loaded < days; loaded++) {
        readings += await loadDay(owner, NEWEST - loaded * DAY_MS);
        await loadGoldDay(owner, dayKey(NEWEST - loaded * DAY_MS));
      }
      await owner.query(
        'VACUUM ANALYZE bronze.imu_segments, bronze.ingest_batches, bronze.exercise_sessions, gold.device_daily_activity, gold.session_summaries, gold.window_predictions',
      );
      // History at rest: the bench writes weeks of history in seconds, a real deployment over weeks, its
      // upkeep long done. Without this the reads at 30 and 90 days were measured while the checkpoint
      // the bulk load started was still writing, and autovacuum was clearing the catalogs the new
      // partitions' statistics churned (bench/support/background.ts saw both); at 1 and 7 days neither.
      const rest = performance.now();
      await owner.query('VACUUM');
      await owner.query('CHECKPOINT');
      const restS = (performance.now() - rest) / 1000;
      console.log(
        `  ${days} days of history (${readings.toLocaleString()} readings) loaded in ${((performance.now() - t) / 1000).toFixed(0)} s (brought to rest in ${restS.toFixed(1)} s)`,
      );
      await ingestRound(ingest, owner, `warm-${days}`);
      const { ms, windows } = await nightly(worker);
      verify(windows > 0, 'the nightly step wrote no windows');
      const ingestRates: number[] = [];
      for (let r = 0; r < 3; r++) ingestRates.push(await ingestRound(ingest, owner, `d${days}-r${r}`));
      const missesBefore = await blocksRead(owner);
      let sampler = await sampleBackground(owner);
      const cold = await measureReads(api, dayKey(NEWEST), READ_REQUESTS);
      const coldBackground = await sampler.stop();
      const missesCold = await blocksRead(owner);
      sampler = await sampleBackground(owner);
      const passes: Record<Read, { p99: number; p50: number }>[] = [];
      for (let p = 0; p < JUDGED_PASSES; p++) passes.push(await measureReads(api, dayKey(NEWEST), READ_REQUESTS));
      const reads = Object.fromEntries(READS.map((r) => [r, { p99: median(passes.map((x) => x[r].p99)), p50: median(passes.map((x) => x[r].p50)) }])) as Record<
        Read,
        { p99: number; p50: number }
      >;
      const background = await sampler.stop();
      const { blocks: misses, tables: missTables } = blocksReadBetween(missesCold, await blocksRead(owner));
      const { blocks: coldMisses, tables: coldMissTables } = blocksReadBetween(missesBefore, missesCold);
      const pages = await readPages(owner, dayKey(NEWEST));
      const bronzePages = await dayReadPages(owner, NEWEST);
      stages.push({
        days,
        readings,
        nightlyMs: ms,
        ingest: ingestRates,
        cold,
        coldMisses,
        coldBackground,
        reads,
        misses,
        background,
        missTables,
        pages,
        bronzePages,
        load: os.loadavg()[0]!,
      });
      console.log(
        `  ${days} days: nightly step ${median(ms).toFixed(0)} ms (${windows} windows), ingest ${Math.round(median(ingestRates)).toLocaleString()} readings/s, p99 (p50) ${READS.map((r) => `${r} ${reads[r].p99.toFixed(1)} (${reads[r].p50.toFixed(1)}) ms${r === 'clock' ? '' : ` ${pages[r]} pages`}`).join(', ')}; first pass after loading: p99 ${READS.map((r) => `${r} ${cold[r].p99.toFixed(1)}`).join(', ')} ms, ${coldMisses} blocks read (cache misses), then ${misses}; a day's bronze batches ${bronzePages.batches} pages, sessions ${bronzePages.sessions} pages, load ${os.loadavg()[0]!.toFixed(1)}`,
      );
      console.log(
        `    first pass: ${describeBackground(coldBackground)}; blocks read by table: ${coldMissTables.join(', ') || 'none'}\n    judged passes: ${describeBackground(background)}; blocks read by table: ${missTables.join(', ') || 'none'}`,
      );
    }
    const first = stages[0]!;
    const last = stages.at(-1)!;
    /** The first history long enough for every read's answer to be full (a 7-day range, a 20-session page). */
    const full = stages.find((s) => s.days >= Math.max(...Object.values(FULL_FROM))) ?? last;
    const nightlyRatio = median(last.nightlyMs) / median(first.nightlyMs);
    const ingestRatio = median(last.ingest) / median(first.ingest);
    writeBenchResult({
      id: 'growth',
      title: 'Data growth: bronze bytes per reading, and the newest day’s costs as history grows',
      reproduce: 'npx tsx bench/growth.ts [readings per day] [seconds per ingest round]',
      workload: `${DEVICES} devices, ${perDay.toLocaleString()} readings a day (each device one session of the realistic simulator, 50 Hz, 9 axes, values rounded to four decimals, ${BATCH}-reading batches), history of ${STAGES.join(', ')} days before the newest; bytes per reading of one day (table, TOAST and indexes, after VACUUM) in the flat layout of migrations/0003 and the lean segments of 0070; at each history size the sensor pipeline's silver step for the newest day (5 runs) and the ingest writer fed by ${WRITERS} devices posting the next day (3 rounds of ${ROUND_SECONDS} s after a warm-up)`,
      figures: [
        { name: 'bytes per reading, lean (short decimals)', value: lean, unit: 'bytes', ratio: lean / flat, goal: '≤60', met: lean <= 60 },
        {
          name: 'bytes per reading, lean (the simulator’s full doubles)',
          value: leanFull,
          unit: 'bytes',
          ratio: leanFull / flat,
          goal: '≤60',
          met: leanFull <= 60,
        },
        { name: 'bytes per reading, flat layout (anchor)', value: flat, unit: 'bytes', ratio: 1 },
        ...stages.map((s) => ({
          name: `nightly silver step, ${s.days} days of history`,
          ...repeated(s.nightlyMs),
          unit: 'ms',
          ratio: median(s.nightlyMs) / median(first.nightlyMs),
        })),
        { name: `nightly step, day ${last.days} vs day 1`, value: nightlyRatio, unit: '×', goal: '≤1.2×', met: nightlyRatio <= 1.2 },
        ...stages.map((s) => ({
          name: `ingest, ${s.days} days of history`,
          ...repeated(s.ingest),
          unit: 'readings/s',
          ratio: median(s.ingest) / median(first.ingest),
        })),
        { name: `ingest, day ${last.days} vs day 1`, value: ingestRatio, unit: '×', goal: '≥0.9× (within 10%)', met: ingestRatio >= 0.9 },
        ...stages.map((s) => ({
          name: `a day’s bronze batches by arrival (uptime pipeline), database pages, ${s.days} days of history`,
          value: s.bronzePages.batches,
          unit: 'pages',
          ratio: s.bronzePages.batches / first.bronzePages.batches,
        })),
        ...stages.map((s) => ({
          name: `a day’s bronze sessions by start (nightly run), database pages, ${s.days} days of history`,
          value: s.bronzePages.sessions,
          unit: 'pages',
          ratio: s.bronzePages.sessions / first.bronzePages.sessions,
        })),
        ...READS.flatMap((read) => {
          const control = read === 'clock';
          // The baseline a read is judged against: the first history at which its answer is as big as
          // it will ever be (a week of days, a 20-session page fill on day 7; one session on day 1).
          const base = FULL_FROM[read] === 1 ? first : full;
          const ratio = last.reads[read].p99 / base.reads[read].p99;
          return [
            ...stages.map((s) => ({
              name: `API ${READ_NAMES[read]}, p99, ${s.days} days of history`,
              value: s.reads[read].p99,
              unit: 'ms',
              ratio: s.reads[read].p99 / base.reads[read].p99,
            })),
            {
              name: `API ${READ_NAMES[read]}, p99, day ${last.days} vs day ${base.days}`,
              value: ratio,
              unit: '×',
              ...(control ? {} : { goal: '≤1.2×', met: ratio <= 1.2 }),
            },
            ...(base === first
              ? []
              : [
                  {
                    name: `API ${READ_NAMES[read]}, p99, day ${last.days} vs day 1 (a smaller answer on day 1)`,
                    value: last.reads[read].p99 / first.reads[read].p99,
                    unit: '×',
                  },
                ]),
            ...stages.map((s) => ({
              name: `API ${READ_NAMES[read]}, p99 of the first pass after loading the history, ${s.days} days`,
              value: s.cold[read].p99,
              unit: 'ms',
              ratio: s.cold[read].p99 / base.cold[read].p99,
            })),
            ...(control
              ? []
              : stages.map((s) => ({
                  name: `API ${READ_NAMES[read]}, database pages its SQL touches, ${s.days} days of history`,
                  value: s.pages[read],
                  unit: 'pages',
                  ratio: s.pages[read] / first.pages[read],
                }))),
          ];
        }),
        ...stages.flatMap((s) => [
          {
            name: `API reads, blocks read from outside shared buffers during the first pass, ${s.days} days of history`,
            value: s.coldMisses,
            unit: 'blocks',
          },
          { name: `API reads, blocks read from outside shared buffers during the judged pass, ${s.days} days of history`, value: s.misses, unit: 'blocks' },
        ]),
      ],
      notes: [
        `Load average (1 min) at the end of each stage: ${stages.map((s) => `${s.days} days ${s.load.toFixed(1)}`).join(', ')}. The machine is shared: client, writer and PostgreSQL run on the same cores.`,
        'Short decimals (six significant digits or fewer) are stored as real and read back as the decimal sent; full doubles as float8. Readings of both kinds come back exactly as sent (test/integration/bronze-layout.test.ts).',
        'A day’s figures at a longer history below 1.00× are drift (warm-up, the shared machine’s load), not a gain: the goals ask only that they do not grow.',
        `API reads: a real \`refinery api\` process over HTTP, ${READ_REQUESTS} requests of each read at each size from 4 concurrent clients, over a gold history of ${GOLD.devices} devices with ${GOLD.sessions} sessions a day each and ${GOLD.windows} window predictions a session (made in SQL, one day at a time, alongside bronze); every answer checked for its rows.`,
        `API reads are measured in passes at each size: a first pass right after the bench loaded that history, then ${JUDGED_PASSES} judged passes, the API serving steadily as it does once history has built up day by day; a read's judged p99 is the median of its ${JUDGED_PASSES} passes' p99s. The bench loads ${STAGES.at(-1)! - 1} days in about a minute, and the first pass pays the first touch of all it changed: the new day partitions (bronze, silver, gold predictions) each API connection's catalog caches must read again, and pages out of PostgreSQL's shared buffers. Blocks read from outside shared buffers in the database during each pass (the reads' misses, and any background work such as autovacuum): ${stages.map((s) => s.coldMisses).join(' / ')} in the first pass, ${stages.map((s) => s.misses).join(' / ')} in the judged ones. The first pass's p99 and the judged p99 are both listed.`,
        `What else ran during each judged pass (sampled every 200 ms: the checkpointer, autovacuum workers, the cores): ${stages.map((s) => `${s.days} days: ${describeBackground(s.background)}${s.missTables.length ? `, blocks read from ${s.missTables.join(', ')}` : ''}`).join('; ')}. Each size's history is brought to rest before it is measured (VACUUM of the database, then CHECKPOINT): the bench writes weeks of history in seconds, and without that the reads at 30 and 90 days ran beside the bulk load's checkpoint and autovacuum of the catalogs, which a history grown day by day has long finished.`,
        `API reads, median latency at ${stages.map((s) => `${s.days}`).join(' / ')} days: ${READS.map((r) => `${r} ${stages.map((s) => s.reads[r].p50.toFixed(1)).join(' / ')} ms`).join('; ')}. With one day of history the activity read answers one day instead of seven, the sessions page 3 sessions instead of 20 and the listing's freshness names one day instead of seven, so day ${full.days} is the fair baseline for those; the listing's freshness is judged over every day of gold in its page's span, found once a second per span (one index probe a day) rather than per request; the clock read (no database) is the HTTP floor of the same process at each size.`,
        'Database pages: the shared buffers (8 KiB) a read’s own SQL touches, from EXPLAIN (ANALYZE, BUFFERS) of the route’s query functions and of the steps’ day queries; a count the machine’s load cannot blur. A read is flat when its pages stop growing once the days it answers exist (a 7-day activity or a 20-session page fills by day 7). Before migrations/0085 the sessions page touched 9, 186 and 546 pages at 1, 30 and 90 days (every session of every device), and a day’s batches 15, 30 and 55 (a sequential scan).',
      ],
    });
  } finally {
    await api?.process.kill();
    await Promise.all([owner.end(), worker.end(), ingest.end()]);
    await db.stop();
  }
}

await main();
