// Every pairing of a field: who wins if they meet, in which round they would meet, and how likely
// that meeting is (both sides of the bracket are independent until then, so it is the product of
// each reaching that round). The most likely path of a team follows from it: in each round, the
// opponent it is most likely to meet.
import { progressWidth, type Bracket } from './bracket.ts';

export interface Matchup {
  a: number;
  b: number;
  /** P(a beats b) in a game between them. */
  pAWins: number;
  /** 0 = the First Four, 1 = the round of 64, …, 6 = the final. */
  round: number;
  /** P(a and b meet): each reaches `round` (a play-in pair always meets). */
  pMeet: number;
}

/** Slot of each team of a field of n (a play-in team has its pair's slot); −1 outside the bracket. */
export function slotOf(bracket: Bracket, n: number): Int32Array {
  const slot = new Int32Array(n).fill(-1);
  bracket.slots.forEach((t, s) => (slot[t] = s));
  for (let q = 0; q < bracket.playIns.length; q += 3) slot[bracket.playIns[q + 1]] = slot[bracket.playIns[q + 2]] = bracket.playIns[q];
  return slot;
}

/**
 * P(team reaches round r), r = 0..rounds: 0 is the First Four (everyone is in it or past it), 1 the
 * round of 64, … from a progress distribution of the bracket's shape (exactWinDistribution).
 */
export function reachProbabilities(distribution: Float64Array, n: number, bracket: Bracket): Float64Array {
  const width = progressWidth(bracket);
  const shift = bracket.firstFour ? 1 : 0;
  const out = new Float64Array(n * (bracket.rounds + 1));
  for (let t = 0; t < n; t++) {
    let atLeast = 0;
    // P(progress ≥ k) from the top down; reaching round r needs progress ≥ r − 1 + shift.
    const tail = new Float64Array(width + 1);
    for (let k = width - 1; k >= 0; k--) tail[k] = atLeast += distribution[t * width + k];
    out[t * (bracket.rounds + 1)] = 1;
    for (let r = 1; r <= bracket.rounds; r++) out[t * (bracket.rounds + 1) + r] = r - 1 + shift === 0 ? 1 : Math.min(1, tail[r - 1 + shift]);
  }
  return out;
}

/** All ordered pairs of distinct teams in the bracket. */
export function matchups(bracket: Bracket, p: Float64Array, n: number, distribution: Float64Array): Matchup[] {
  const slot = slotOf(bracket, n);
  const reach = reachProbabilities(distribution, n, bracket);
  const R = bracket.rounds + 1;
  const out: Matchup[] = [];
  for (let a = 0; a < n; a++) {
    if (slot[a] < 0) continue;
    for (let b = 0; b < n; b++) {
      if (b === a || slot[b] < 0) continue;
      const same = slot[a] === slot[b];
      const round = same ? 0 : 32 - Math.clz32(slot[a] ^ slot[b]);
      out.push({ a, b, pAWins: p[a * n + b], round, pMeet: same ? 1 : reach[a * R + round] * reach[b * R + round] });
    }
  }
  return out;
}
