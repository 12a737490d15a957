// Simulated tournaments as bronze rows, in COPY-sized batches: (tournament, simulation, team, wins,
// round of elimination). Shared by the simulate step and its benchmark so both measure one path.
import { simulateTournaments } from './simulate.ts';

export const OUTCOME_COLUMNS = ['tournament_key', 'simulation', 'team_key', 'wins', 'eliminated_round'];

export interface OutcomeBatchOptions {
  tournament: string;
  bracket: number[];
  p: Float64Array;
  /** Team keys in the order of the probability matrix. */
  keys: string[];
  seed: number;
  from: number;
  to: number;
  /** About this many rows per batch (whole simulations). */
  rowsPerBatch?: number;
}

export function* outcomeBatches(o: OutcomeBatchOptions): Generator<unknown[][]> {
  const n = o.keys.length;
  const perBatch = Math.max(1, Math.floor((o.rowsPerBatch ?? 10_000) / n));
  for (let start = o.from; start < o.to; start += perBatch) {
    const count = Math.min(perBatch, o.to - start);
    const wins = simulateTournaments({ bracket: o.bracket, p: o.p, n, seed: o.seed, start, count });
    const rows: unknown[][] = new Array(count * n);
    for (let s = 0; s < count; s++) {
      for (let i = 0; i < n; i++) {
        const w = wins[s * n + i];
        // Out in round w + 1; a champion (6 wins) is recorded as round 7.
        rows[s * n + i] = [o.tournament, start + s, o.keys[i], w, w + 1];
      }
    }
    yield rows;
  }
}
