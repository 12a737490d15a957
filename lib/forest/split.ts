// Stratified holdout and k-fold: every class keeps its proportion in every part, and the same seed
// gives the same parts.
import { seededRandom } from '../random.ts';

function byClass(labels: ArrayLike<string>, seed: number): number[][] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const g = groups.get(labels[i]);
    if (g) g.push(i);
    else groups.set(labels[i], [i]);
  }
  const rng = seededRandom(seed);
  return [...groups.keys()].sort().map((k) => {
    const rows = groups.get(k)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    return rows;
  });
}

export function stratifiedSplit(labels: ArrayLike<string>, testFraction: number, seed = 0): { train: number[]; test: number[] } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be between 0 and 1, got ${testFraction}`);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass(labels, seed)) {
    // Every class with two or more samples puts at least one in each side.
    const k = rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * testFraction)));
    test.push(...rows.slice(0, k));
    train.push(...rows.slice(k));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

export function stratifiedKFold(labels: ArrayLike<string>, k: number, seed = 0): { train: number[]; test: number[] }[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be an integer >= 2, got ${k}`);
  const folds: number[][] = Array.from({ length: k }, () => []);
  // Deal each class round-robin, continuing where the previous class stopped, so fold sizes differ by at most one.
  let next = 0;
  for (const rows of byClass(labels, seed)) for (const row of rows) folds[next++ % k].push(row);
  return folds.map((test, i) => ({
    test: test.sort((a, b) => a - b),
    train: folds.flatMap((f, j) => (j === i ? [] : f)).sort((a, b) => a - b),
  }));
}

export function pick<T>(items: ArrayLike<T>, rows: number[]): T[] {
  return rows.map((r) => items[r]);
}
