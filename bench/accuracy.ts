// Accuracy of the exercise classifier on the simulator (lib/imu/synthetic.ts), scored the way that
// matters for a product: on persons the model never saw. A population of simulated people does every
// exercise; their windows are featurised as the pipeline's windows step does it; persons are dealt
// into 4 folds and the pipeline's forest (100 trees, √features) is trained on 3 folds and scored on
// the 4th. For contrast, the same forest scored on unseen sessions of people it did see. Anchor:
// scikit-learn's RandomForestClassifier on the same folds, in the same run.
// Usage: npx tsx bench/accuracy.ts [persons]   (needs python3 with scikit-learn: pip install -r bench/requirements.txt)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomForestClassifier, classificationReport } from '../lib/forest/index.ts';
import { EXERCISES } from '../lib/imu/exercises.ts';
import { simulatePopulation, type Population } from '../lib/imu/population.ts';
import { holdOutPersons, rowsOf } from '../lib/ml/exercise-model.ts';
import { writeBenchResult } from './report.ts';

const PERSONS = Number(process.argv[2] ?? 24);
const FOLDS = 4;
const TREES = 100;
const here = dirname(fileURLToPath(import.meta.url));

/** Each person's fold: persons shuffled (seeded) and dealt round-robin. */
function personFolds(p: Population): Int32Array {
  const order = [...holdOutPersons(p.persons, 0.999, 11)];
  const rest = [...new Set(p.persons)].filter((x) => !order.includes(x));
  const fold = new Map([...order, ...rest].map((person, i) => [person, i % FOLDS]));
  return Int32Array.from(p.persons, (person) => fold.get(person)!);
}

async function score(p: Population, isTest: (row: number) => boolean, seed: number) {
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < p.labels.length; r++) (isTest(r) ? test : train).push(r);
  const forest = await new RandomForestClassifier({ nEstimators: TREES, maxFeatures: 'sqrt', seed }).fit(
    rowsOf(p, train),
    train.map((r) => p.labels[r]),
    { threads: 2 },
  );
  const predicted = forest.predict(rowsOf(p, test));
  const actual = test.map((r) => p.labels[r]);
  // A session's exercise is its windows' majority vote.
  const votes = new Map<string, Map<string, number>>();
  test.forEach((r, i) => {
    const v = votes.get(p.sessions[r]) ?? new Map<string, number>();
    v.set(predicted[i], (v.get(predicted[i]) ?? 0) + 1);
    votes.set(p.sessions[r], v);
  });
  const sessionLabel = new Map(test.map((r) => [p.sessions[r], p.labels[r]]));
  let sessionsRight = 0;
  for (const [session, v] of votes) if ([...v].sort((a, b) => b[1] - a[1])[0][0] === sessionLabel.get(session)) sessionsRight++;
  return {
    report: classificationReport(actual, predicted, [...EXERCISES].sort()),
    sessionAccuracy: sessionsRight / votes.size,
    nodes: forest.trees.reduce((n, t) => n + t.feature.length, 0) / forest.trees.length,
  };
}

function peer(dir: string, p: Population) {
  const run = spawnSync('python3', [join(here, 'accuracy_peer.py'), dir, String(p.labels.length), String(p.cols), String(TREES)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`bench/accuracy_peer.py failed (exit ${run.status}); pip install -r bench/requirements.txt\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { accuracies: number[]; nodes: number; sklearn: string };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const spread = (xs: number[]) => `${(Math.min(...xs) * 100).toFixed(1)}–${(Math.max(...xs) * 100).toFixed(1)}%`;

async function main() {
  console.log(`simulating ${PERSONS} persons × ${EXERCISES.length} exercises × 2 sessions of 60 s…`);
  const p = simulatePopulation({ persons: PERSONS, sessionsPerExercise: 2, sessionSeconds: 60 });
  const fold = personFolds(p);
  const folds: Awaited<ReturnType<typeof score>>[] = [];
  for (let k = 0; k < FOLDS; k++) folds.push(await score(p, (r) => fold[r] === k, k));
  const accuracies = folds.map((f) => f.report.accuracy);
  const macroF1 = mean(folds.map((f) => f.report.macroF1));
  const sessionAccuracy = mean(folds.map((f) => f.sessionAccuracy));
  // Contrast: every person's second session of each exercise held out, their first ones trained on.
  const seen = await score(p, (r) => p.sessions[r].endsWith('/1'), 99);

  const confusions = new Map<string, number>();
  for (const { report } of folds)
    report.labels.forEach((a, i) =>
      report.labels.forEach((b, j) => i !== j && confusions.set(`${a} → ${b}`, (confusions.get(`${a} → ${b}`) ?? 0) + report.confusion[i][j])),
    );
  const worst = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const perClass = EXERCISES.map((e) => `${e} ${(mean(folds.map((f) => f.report.perClass.find((c) => c.label === e)!.f1)) * 100).toFixed(0)}%`);

  const dir = mkdtempSync(join(tmpdir(), 'bench-accuracy-'));
  let sk;
  try {
    writeFileSync(join(dir, 'x.f64'), Buffer.from(p.x.buffer, p.x.byteOffset, p.x.byteLength));
    writeFileSync(join(dir, 'labels.txt'), p.labels.join('\n'));
    writeFileSync(join(dir, 'folds.i32'), Buffer.from(fold.buffer));
    console.log('scikit-learn on the same folds…');
    sk = peer(dir, p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const skAccuracy = mean(sk.accuracies);
  const ours = mean(accuracies);
  writeBenchResult({
    id: 'accuracy',
    title: 'Exercise classifier accuracy on simulated people it never saw (leave persons out)',
    reproduce: 'npx tsx bench/accuracy.ts [persons]',
    workload: `${PERSONS} simulated persons (own pace, range, posture and variant per exercise, strap placement, wrist, pauses, interruptions, fatigue; per-device sensor bias, drift and noise) × ${EXERCISES.length} exercises × 2 sessions of 60 s at 50 Hz, ${p.labels.length.toLocaleString('en-US')} windows of 200 readings (50% overlap) × ${p.cols} features; persons dealt into ${FOLDS} folds, ${TREES}-tree forest trained on 3 folds and scored on the 4th; anchor: scikit-learn ${sk.sklearn} RandomForestClassifier on the same folds`,
    figures: [
      { name: 'window accuracy, unseen persons (mean of 4 folds)', value: ours * 100, unit: '%', ratio: ours / skAccuracy },
      { name: 'macro F1, unseen persons', value: macroF1 * 100, unit: '%' },
      { name: 'session accuracy (majority of windows), unseen persons', value: sessionAccuracy * 100, unit: '%' },
      { name: 'window accuracy, unseen sessions of seen persons', value: seen.report.accuracy * 100, unit: '%' },
      { name: `chance (1 of ${EXERCISES.length})`, value: 100 / EXERCISES.length, unit: '%' },
      { name: 'scikit-learn window accuracy, unseen persons (anchor)', value: skAccuracy * 100, unit: '%', ratio: 1 },
      { name: 'mean nodes per tree (ours)', value: mean(folds.map((f) => f.nodes)), unit: 'nodes' },
      { name: 'mean nodes per tree (scikit-learn)', value: sk.nodes, unit: 'nodes' },
    ],
    notes: [
      `Fold accuracies: ours ${spread(accuracies)}, scikit-learn ${spread(sk.accuracies)}.`,
      `F1 by exercise (unseen persons): ${perClass.join(', ')}.`,
      `Most frequent confusions (windows, all folds): ${worst.map(([k, v]) => `${k} (${v})`).join(', ')}.`,
      'Windows at the edges of a session include getting into position or back to rest and are labelled with the session’s exercise, as a device’s sessions are.',
    ],
  });
}

await main();
