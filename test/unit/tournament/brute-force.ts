// Exact progress distributions by enumerating every game outcome of a small bracket (First Four
// first), the yardstick the dynamic program in lib/tournament/exact.ts is checked against.
import { progressWidth, type Bracket } from '../../../lib/tournament/bracket.ts';

/** Every outcome of the First Four games and then of the main bracket, weighted by its probability. */
export function bruteForce(b: Bracket, q: Float64Array, size: number): Float64Array {
  const width = progressWidth(b);
  const shift = b.firstFour ? 1 : 0;
  const out = new Float64Array(size * width);
  const games = b.playIns.length / 3;
  const inBracket = new Set([...b.slots, ...b.playIns.filter((_, i) => i % 3 !== 0)]);
  for (let ff = 0; ff < 1 << games; ff++) {
    const slots = [...b.slots];
    let pStart = 1;
    const progress = new Map<number, number>();
    for (let g = 0; g < games; g++) {
      const [slot, a, c] = b.playIns.subarray(3 * g, 3 * g + 3);
      const aWins = (ff >> g) & 1;
      pStart *= aWins ? q[a * size + c] : q[c * size + a];
      slots[slot] = aWins ? a : c;
      progress.set(aWins ? c : a, 0);
    }
    const mainGames = slots.length - 1;
    for (let mask = 0; mask < 1 << mainGames; mask++) {
      let alive = [...slots];
      const wins = new Map<number, number>();
      let prob = pStart;
      let g = 0;
      while (alive.length > 1) {
        const next: number[] = [];
        for (let k = 0; k < alive.length; k += 2) {
          const [x, y] = [alive[k], alive[k + 1]];
          const xWins = (mask >> g++) & 1;
          prob *= xWins ? q[x * size + y] : q[y * size + x];
          const w = xWins ? x : y;
          wins.set(w, (wins.get(w) ?? 0) + 1);
          next.push(w);
        }
        alive = next;
      }
      for (const t of inBracket) out[t * width + (progress.has(t) ? 0 : shift + (wins.get(t) ?? 0))] += prob;
    }
  }
  return out;
}
