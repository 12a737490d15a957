// Benchmark: lib/forest's classifier against scikit-learn's RandomForestClassifier (one thread, the
// same hyperparameters, the same stratified split) on IMU feature windows, twice: the windows as
// simulated, and with 20% of the training labels flipped so trees grow deep (the split search's
// worst case). Also times our forest on both cores (worker threads), which gives the same forest.
// Usage: npx tsx bench/forest.ts [windows]   (needs python3 with scikit-learn: pip install -r bench/requirements.txt)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomForestClassifier, accuracy, pick, stratifiedSplit } from '../lib/forest/index.ts';
import { seededRandom } from '../lib/random.ts';
import { writeBenchResult, type BenchFigure } from './report.ts';
import { imuDataset } from './support/imu-dataset.ts';

const WINDOWS = Number(process.argv[2] ?? 20_000);
const TREES = 100;
const NOISE = 0.2;
const here = dirname(fileURLToPath(import.meta.url));

function rowsOf(x: Float64Array, cols: number, rows: number[]) {
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(x.subarray(r * cols, (r + 1) * cols), i * cols));
  return { data, rows: rows.length, cols };
}

function peer(dir: string, rows: number, cols: number) {
  const run = spawnSync('python3', [join(here, 'forest_peer.py'), dir, String(rows), String(cols), String(TREES)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`bench/forest_peer.py failed (exit ${run.status}); pip install -r bench/requirements.txt\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number; accuracy: number; oob: number; sklearn: string };
}

async function timeOurs(train: ReturnType<typeof rowsOf>, labels: string[], threads: number) {
  let best = Infinity;
  let forest!: RandomForestClassifier;
  for (let repeat = 0; repeat < 2; repeat++) {
    const started = process.hrtime.bigint();
    forest = await new RandomForestClassifier({ nEstimators: TREES, maxFeatures: 'sqrt', seed: repeat }).fit(train, labels, { threads });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds: best, forest };
}

async function main() {
  console.log(`simulating ${WINDOWS.toLocaleString('en-US')} IMU windows…`);
  const d = imuDataset(WINDOWS);
  const { train, test } = stratifiedSplit(d.labels, 0.25, 7);
  const trainX = rowsOf(d.x, d.cols, train);
  const testX = rowsOf(d.x, d.cols, test);
  const testLabels = pick(d.labels, test);
  const classes = [...new Set(d.labels)].sort();
  const flip = seededRandom(11);
  const noisy = pick(d.labels, train).map((l) => (flip.next() < NOISE ? classes[Math.floor(flip.next() * classes.length)] : l));

  const dir = mkdtempSync(join(tmpdir(), 'bench-forest-'));
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  try {
    writeFileSync(join(dir, 'x.f64'), d.x);
    writeFileSync(join(dir, 'train.i32'), Int32Array.from(train));
    writeFileSync(join(dir, 'test.i32'), Int32Array.from(test));
    for (const [name, labels] of [
      ['simulated labels', pick(d.labels, train)],
      [`${NOISE * 100}% of training labels flipped`, noisy],
    ] as const) {
      const all = [...d.labels];
      train.forEach((r, i) => (all[r] = labels[i]));
      writeFileSync(join(dir, 'labels.txt'), all.join('\n'));
      const sk = peer(dir, d.rows, d.cols);
      const one = await timeOurs(trainX, labels, 1);
      const both = await timeOurs(trainX, labels, availableParallelism());
      const acc = accuracy(testLabels, one.forest.predict(testX));
      const nodes = one.forest.trees.reduce((s, t) => s + t.feature.length, 0) / TREES;
      figures.push(
        {
          name: `${name}: lib/forest fit, 1 thread`,
          value: one.seconds,
          unit: 's',
          ratio: one.seconds / sk.seconds,
          goal: '≤2× scikit-learn',
          met: one.seconds <= 2 * sk.seconds,
        },
        { name: `${name}: scikit-learn ${sk.sklearn} fit, n_jobs=1 (anchor)`, value: sk.seconds, unit: 's' },
        { name: `${name}: lib/forest fit, ${availableParallelism()} worker threads`, value: both.seconds, unit: 's', ratio: both.seconds / sk.seconds },
        {
          name: `${name}: lib/forest held-out accuracy`,
          value: acc * 100,
          unit: '%',
          goal: 'within 1 pp of scikit-learn',
          met: Math.abs(acc - sk.accuracy) <= 0.01,
        },
        { name: `${name}: scikit-learn held-out accuracy`, value: sk.accuracy * 100, unit: '%' },
      );
      notes.push(
        `${name}: ${nodes.toFixed(0)} nodes per tree on average; OOB accuracy ours ${(one.forest.oobScore! * 100).toFixed(2)}%, scikit-learn ${(sk.oob * 100).toFixed(2)}%.`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeBenchResult({
    id: 'forest',
    title: `Random forest: ${TREES} trees on ${WINDOWS.toLocaleString('en-US')} IMU windows × ${d.cols} features`,
    reproduce: 'npx tsx bench/forest.ts',
    workload:
      `${WINDOWS.toLocaleString('en-US')} windows of simulated 1-minute sessions (6 exercises, 97 devices), stratified 75/25 split; ` +
      `${TREES} trees, sqrt(features) per split, bootstrap, OOB score on, unlimited depth, 1 sample per leaf, for both. ` +
      `Best of 2 fits each. The flipped-labels run scores against the clean test labels.`,
    figures,
    notes: [...notes, 'lib/forest bins each feature into ≤255 quantile bins once and finds splits by histogram; scikit-learn sorts exact values per node.'],
  });
}

await main();
