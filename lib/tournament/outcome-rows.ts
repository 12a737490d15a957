// Simulated tournaments as bronze rows, in COPY-sized batches: (tournament, simulation, team, games
// won, byes, round of elimination). Shared by the simulate step and its benchmark so both measure one path.
import { asBracket, type Bracket } from './bracket.ts';
import { simulateTournaments } from './simulate.ts';

export const OUTCOME_COLUMNS = ['tournament_key', 'simulation', 'team_key', 'wins', 'byes', 'eliminated_round'];

export interface OutcomeBatchOptions {
  tournament: string;
  bracket: Bracket | ArrayLike<number>;
  p: Float64Array;
  /** Team keys in the order of the probability matrix. */
  keys: string[];
  seed: number;
  from: number;
  to: number;
  /** About this many rows per batch (whole simulations). */
  rowsPerBatch?: number;
}

/**
 * Rows of simulations [from, to). A team's progress (see Bracket) is stored as seed 003 stores it:
 * games won and byes (1 for skipping a First Four), and the round it went out in: 0 = the First
 * Four, 1 = the round of 64, …, 6 = the final, 7 = champion.
 */
export function* outcomeBatches(o: OutcomeBatchOptions): Generator<unknown[][]> {
  const n = o.keys.length;
  const bracket = asBracket(o.bracket);
  const shift = bracket.firstFour ? 1 : 0;
  const byes = new Uint8Array(n).fill(shift);
  for (let q = 0; q < bracket.playIns.length; q += 3) byes[bracket.playIns[q + 1]] = byes[bracket.playIns[q + 2]] = 0;
  const perBatch = Math.max(1, Math.floor((o.rowsPerBatch ?? 10_000) / n));
  for (let start = o.from; start < o.to; start += perBatch) {
    const count = Math.min(perBatch, o.to - start);
    const progress = simulateTournaments({ bracket, p: o.p, n, seed: o.seed, start, count });
    const rows: unknown[][] = new Array(count * n);
    for (let s = 0; s < count; s++) {
      for (let i = 0; i < n; i++) {
        const k = progress[s * n + i];
        rows[s * n + i] = [o.tournament, start + s, o.keys[i], k - byes[i], byes[i], k + 1 - shift];
      }
    }
    yield rows;
  }
}
