// Benchmark: the full window feature set (lib/imu/features.ts) on 200-reading windows of synthetic
// sessions, one thread, against the same features vectorised with numpy (bench/features_peer.py) on
// the same windows in the same run, each timed for the same number of passes after one untimed
// pass; fails if the two compute different values.
// Usage: npx tsx bench/features.ts [windows]   (needs python3 with numpy: pip install -r bench/requirements.txt)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_COUNT, featureCatalogue } from '../lib/imu/catalogue.ts';
import { EXERCISES } from '../lib/imu/exercises.ts';
import { createFeatureExtractor } from '../lib/imu/features.ts';
import { CHANNELS, type ReadingColumns } from '../lib/imu/reading.ts';
import { generateSession, sessionColumns } from '../lib/imu/synthetic.ts';
import { cutWindows, windowSampleRate, type ReadingWindow } from '../lib/imu/windows.ts';
import { repeated, verify, writeBenchResult } from './report.ts';

const WINDOWS = Number(process.argv[2] ?? 10_000);
const SIZE = 200;
const REPEATS = 5;
const GOAL = 15_000;
const here = dirname(fileURLToPath(import.meta.url));

interface Job {
  columns: ReadingColumns;
  window: ReadingWindow;
}

/** Windows cut from 10-minute sessions of every exercise in turn, values rounded to float32 so the file the peer reads holds exactly what we compute on. */
function makeJobs(): Job[] {
  const jobs: Job[] = [];
  for (let seed = 1; jobs.length < WINDOWS; seed++) {
    const exercise = EXERCISES[seed % EXERCISES.length];
    const session = generateSession({ exercise, deviceId: `wrist-${seed % 8}`, sessionId: `s-${seed}`, start: Date.UTC(2026, 0, 5), durationS: 600, seed });
    const columns = sessionColumns(session);
    for (const channel of CHANNELS) columns[channel] = Float64Array.from(Float32Array.from(columns[channel]));
    for (const window of cutWindows(columns, { size: SIZE })) if (jobs.length < WINDOWS) jobs.push({ columns, window });
  }
  return jobs;
}

function writeWindows(dir: string, jobs: Job[]): void {
  const values = new Float32Array(jobs.length * CHANNELS.length * SIZE);
  const rates = new Float64Array(jobs.length);
  jobs.forEach(({ columns, window }, w) => {
    CHANNELS.forEach((channel, c) => values.set(columns[channel].subarray(window.start, window.end), (w * CHANNELS.length + c) * SIZE));
    rates[w] = windowSampleRate(window);
  });
  writeFileSync(join(dir, 'windows.f32'), values);
  writeFileSync(join(dir, 'fs.f64'), rates);
}

function timeOurs(jobs: Job[], matrix: Float64Array): number[] {
  const extractor = createFeatureExtractor();
  const pass = () => {
    const started = process.hrtime.bigint();
    for (let w = 0; w < jobs.length; w++) extractor.extract(jobs[w].columns, jobs[w].window, matrix, w * FEATURE_COUNT);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  pass(); // warm-up: lets V8 optimise the hot loops before timing
  return Array.from({ length: REPEATS }, pass);
}

function runPeer(dir: string, count: number): { times: number[]; numpy: string } {
  const run = spawnSync('python3', [join(here, 'features_peer.py'), dir, String(count), String(SIZE), String(REPEATS)], {
    encoding: 'utf8',
    // One core, like ours: numpy's FFT is single-threaded anyway, this keeps BLAS from spreading.
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (run.status !== 0) {
    throw new Error(`bench/features_peer.py failed (exit ${run.status}); is numpy installed? pip install -r bench/requirements.txt\n${run.stderr}`);
  }
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

/** Values that differ beyond rounding (relative 1e-6), per feature name. */
function compare(ours: Float64Array, theirs: Float64Array): { differing: number; byFeature: Map<string, number> } {
  const byFeature = new Map<string, number>();
  let differing = 0;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i],
      b = theirs[i];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)))) {
      differing++;
      const name = featureCatalogue[i % FEATURE_COUNT].name;
      byFeature.set(name, (byFeature.get(name) ?? 0) + 1);
    }
  }
  return { differing, byFeature };
}

function main() {
  console.log(`generating ${WINDOWS.toLocaleString()} windows…`);
  const jobs = makeJobs();
  const dir = mkdtempSync(join(tmpdir(), 'bench-features-'));
  try {
    writeWindows(dir, jobs);
    const matrix = new Float64Array(jobs.length * FEATURE_COUNT);
    const oursTimes = timeOurs(jobs, matrix);
    const peer = runPeer(dir, jobs.length);
    const theirs = new Float64Array(readFileSync(join(dir, 'peer.f64')).buffer.slice(0));
    if (theirs.length !== matrix.length) throw new Error(`the peer wrote ${theirs.length} values, expected ${matrix.length}`);
    const { differing, byFeature } = compare(matrix, theirs);
    const worst = [...byFeature]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, n]) => `${name} ${n}`);
    verify(differing === 0, `${differing} of ${matrix.length} values differ from numpy's by more than 1e-6 relative (most in ${worst.join(', ')})`);

    const ours = repeated(oursTimes.map((t) => jobs.length / t));
    const numpy = repeated(peer.times.map((t) => jobs.length / t));
    writeBenchResult({
      id: 'features',
      title: `IMU window features: ${FEATURE_COUNT} features of 200-reading windows, one thread`,
      reproduce: 'npx tsx bench/features.ts',
      workload:
        `${jobs.length.toLocaleString('en-US')} windows of 200 readings (4 s at 50 Hz, 9 channels with magnetometer), cut with 50% overlap ` +
        `from synthetic 10-minute sessions of ${EXERCISES.length} exercises; ${FEATURE_COUNT} features per window written into one ` +
        `preallocated matrix. ${REPEATS} passes after an untimed pass, for both; numpy in batches of 1,024 windows, ` +
        `file reading excluded, OMP/OpenBLAS/MKL threads 1.`,
      figures: [
        {
          name: 'lib/imu features (TypeScript)',
          ...ours,
          unit: 'windows/s',
          ratio: ours.value / numpy.value,
          goal: `≥${GOAL.toLocaleString('en-US')} windows/s/core`,
          met: ours.value >= GOAL,
        },
        { name: `numpy ${peer.numpy}, vectorised (anchor)`, ...numpy, unit: 'windows/s' },
        { name: 'time per window (TypeScript)', ...repeated(oursTimes.map((t) => (t / jobs.length) * 1e6)), unit: 'µs' },
      ],
      notes: [
        `Checked: both computed the same ${matrix.length.toLocaleString('en-US')} values (none differs by more than 1e-6 relative; the benchmark fails otherwise).`,
        'Ours reads straight from reading columns via window descriptors, as silver will; numpy gets the windows pre-gathered as a dense array.',
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
