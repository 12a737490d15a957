// The exact optimum of the bid problem (see optimise.ts) by dynamic programming over teams, units
// spent and teams held: small enough for 64 teams and a 100-unit budget, and the yardstick the
// greedy heuristic is measured against.
import { ownedValue, type UnitProblem } from './bid-problem.ts';

/** Above this many inner steps (teams × team limit × units²/2) the exact method refuses to run. */
export const EXACT_WORK_LIMIT = 2e8;

/** Units per team maximising the owned value with exactly p.units spent; all zeros if no bid is possible. */
export function optimiseExact(p: UnitProblem): Int32Array {
  const { teams, units: U, minUnits: m } = p;
  const K = Math.max(0, p.maxTeams);
  const work = (teams * K * U * U) / 2;
  if (work > EXACT_WORK_LIMIT) {
    throw new Error(
      `exact bid optimisation would take ~${work.toExponential(1)} steps (${teams} teams, ${U} units, up to ${K} teams held); use method 'greedy' or a larger step`,
    );
  }
  const held = new Int32Array(teams);
  if (K === 0 || U < m) return held;

  const W = U + 1;
  // best[k*W + u]: highest owned value with k teams held and u units spent among teams seen so far.
  let best = new Float64Array((K + 1) * W).fill(-Infinity);
  best[0] = 0;
  const choice: Uint16Array[] = [];
  const f = new Float64Array(W);
  for (let t = 0; t < teams; t++) {
    for (let u = 0; u <= U; u++) f[u] = ownedValue(p, t, u);
    const next = best.slice();
    const pick = new Uint16Array((K + 1) * W);
    for (let k = 1; k <= K; k++) {
      const prev = (k - 1) * W;
      for (let u = m; u <= U; u++) {
        let top = next[k * W + u],
          arg = 0;
        for (let c = m; c <= u; c++) {
          const v = best[prev + u - c] + f[c];
          if (v > top) [top, arg] = [v, c];
        }
        next[k * W + u] = top;
        pick[k * W + u] = arg;
      }
    }
    choice.push(pick);
    best = next;
  }
  let k = 0;
  for (let j = 1; j <= K; j++) if (best[j * W + U] > best[k * W + U]) k = j;
  if (best[k * W + U] === -Infinity) return held;
  for (let t = teams - 1, u = U; t >= 0; t--) {
    const c = choice[t][k * W + u];
    if (c > 0) {
      held[t] = c;
      u -= c;
      k--;
    }
  }
  return held;
}
