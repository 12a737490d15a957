// Exact probabilities of each team's progress, by dynamic programming over the bracket: a team wins
// round r if it won round r−1 and beats whoever comes out of the neighbouring sub-bracket. A
// play-in slot starts with two candidates, each there with the probability it wins its First Four game.
import { asBracket, progressWidth, type Bracket } from './bracket.ts';

/**
 * For each team (by index into the field, 0..n−1) the probability of progress k (see Bracket):
 * out[team * width + k], width = rounds + 1, plus 1 with a First Four. For a 64-team bracket that is
 * n×7 (k = wins), for 68 teams n×8. Teams not in the bracket keep all zeros. `p` is n×n with
 * p[i*n+j] = P(i beats j).
 */
export function exactWinDistribution(bracket: Bracket | ArrayLike<number>, p: Float64Array, n: number): Float64Array {
  const b = asBracket(bracket);
  const { slots, playIns, rounds } = b;
  const size = slots.length;
  const shift = b.firstFour ? 1 : 0;
  const width = progressWidth(b);

  // Candidates for each slot: one team, or a play-in pair, with the probability of holding the slot.
  const pair = new Map<number, [number, number]>();
  for (let q = 0; q < playIns.length; q += 3) pair.set(playIns[q], [playIns[q + 1], playIns[q + 2]]);
  const team: number[] = [];
  const start: number[] = [];
  const slotStart = new Int32Array(size + 1);
  for (let s = 0; s < size; s++) {
    slotStart[s] = team.length;
    const two = pair.get(s);
    if (two) {
      const [a, c] = two;
      team.push(a, c);
      start.push(p[a * n + c], p[c * n + a]);
    } else {
      team.push(slots[s]);
      start.push(1);
    }
  }
  slotStart[size] = team.length;
  const m = team.length;

  // reach[r][e]: probability candidate e has won at least r games of the main bracket.
  const reach: Float64Array[] = [Float64Array.from(start)];
  for (let r = 1; r <= rounds; r++) {
    const prev = reach[r - 1];
    const next = new Float64Array(m);
    const block = 1 << r;
    const half = block >> 1;
    for (let s = 0; s < size; s++) {
      const blockStart = s - (s % block);
      const opponents = s - blockStart < half ? blockStart + half : blockStart;
      for (let e = slotStart[s]; e < slotStart[s + 1]; e++) {
        const row = team[e] * n;
        let beat = 0;
        for (let o = slotStart[opponents]; o < slotStart[opponents + half]; o++) beat += prev[o] * p[row + team[o]];
        next[e] = prev[e] * beat;
      }
    }
    reach.push(next);
  }
  const out = new Float64Array(n * width);
  for (let e = 0; e < m; e++) {
    const base = team[e] * width + shift;
    if (shift) out[team[e] * width] = Math.max(0, 1 - reach[0][e]);
    for (let k = 0; k < rounds; k++) out[base + k] = Math.max(0, reach[k][e] - reach[k + 1][e]);
    out[base + rounds] = reach[rounds][e];
  }
  return out;
}

/** Expected progress per team from a distribution of the shape exactWinDistribution returns (expected wins in a 64-team field). */
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
