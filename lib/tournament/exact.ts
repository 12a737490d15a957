// Exact probabilities of each team's number of wins, by dynamic programming over the bracket:
// a team wins round r if it won round r−1 and beats whoever comes out of the neighbouring sub-bracket.
import { bracketRounds } from './bracket.ts';

/**
 * For each team (by index into the field, 0..n−1) the probability of exactly k wins,
 * k = 0..rounds: out[team * (rounds + 1) + k]. For a 64-team bracket that is n×7.
 * Teams not in the bracket keep all zeros. `p` is n×n with p[i*n+j] = P(i beats j).
 */
export function exactWinDistribution(bracket: ArrayLike<number>, p: Float64Array, n: number): Float64Array {
  const rounds = bracketRounds(bracket);
  const size = bracket.length;
  const width = rounds + 1;
  // reach[r][s]: probability the team in slot s has won at least r games.
  const reach: Float64Array[] = [new Float64Array(size).fill(1)];
  for (let r = 1; r <= rounds; r++) {
    const prev = reach[r - 1];
    const next = new Float64Array(size);
    const block = 1 << r;
    const half = block >> 1;
    for (let s = 0; s < size; s++) {
      const blockStart = s - (s % block);
      const opponents = s - blockStart < half ? blockStart + half : blockStart;
      const row = bracket[s] * n;
      let beat = 0;
      for (let o = opponents; o < opponents + half; o++) beat += prev[o] * p[row + bracket[o]];
      next[s] = prev[s] * beat;
    }
    reach.push(next);
  }
  const out = new Float64Array(n * width);
  for (let s = 0; s < size; s++) {
    const base = bracket[s] * width;
    for (let k = 0; k < rounds; k++) out[base + k] = Math.max(0, reach[k][s] - reach[k + 1][s]);
    out[base + rounds] = reach[rounds][s];
  }
  return out;
}

/** Expected wins per team from a win distribution of the shape exactWinDistribution returns. */
export function expectedWins(distribution: Float64Array, n: number): Float64Array {
  const width = distribution.length / n;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let e = 0;
    for (let k = 1; k < width; k++) e += k * distribution[t * width + k];
    out[t] = e;
  }
  return out;
}
