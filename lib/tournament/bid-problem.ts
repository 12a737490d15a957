// The bid optimisation problem in one place: what we know about each team, the objective, and the
// same problem counted in whole bid units, which both optimisers work on. Objective: see optimise.ts.

export interface BidProblem {
  /** Others' predicted total bid on each team (money): predicted market share × predicted pool. */
  others: Float64Array;
  /** Each team's expected payout share of the pool (from simulations or the exact distribution). */
  value: Float64Array;
  budget: number;
  minBid: number;
  maxTeams?: number;
}

/** Units of the problem: budget and minimum bid counted in steps. */
export interface UnitProblem {
  teams: number;
  units: number;
  minUnits: number;
  maxTeams: number;
  step: number;
  others: Float64Array;
  value: Float64Array;
}

export function toUnits(problem: BidProblem, step = 1): UnitProblem {
  const teams = problem.value.length;
  if (problem.others.length !== teams) throw new Error(`others has ${problem.others.length} teams, value has ${teams}`);
  if (!(step > 0)) throw new Error(`step must be positive, got ${step}`);
  for (let t = 0; t < teams; t++) {
    if (!(problem.others[t] >= 0) || !(problem.value[t] >= 0))
      throw new Error(`team ${t}: others ${problem.others[t]} and value ${problem.value[t]} must be finite and ≥ 0`);
  }
  const units = Math.floor(problem.budget / step + 1e-9);
  const minUnits = Math.max(1, Math.ceil(problem.minBid / step - 1e-9));
  const maxTeams = Math.min(problem.maxTeams ?? teams, teams, Math.floor(units / minUnits));
  return { teams, units, minUnits, maxTeams, step, others: problem.others, value: problem.value };
}

/** Σ_t V_t · b_t/(o_t + b_t) for a team holding u units; a team nobody else bid on is wholly ours for any bid. */
export function ownedValue(p: UnitProblem, t: number, u: number): number {
  if (u <= 0) return 0;
  const b = u * p.step;
  return (p.value[t] * b) / (p.others[t] + b);
}

/** The objective of any allocation (money per team), by the definition at the top of this file. */
export function evaluateBids(problem: BidProblem, amounts: ArrayLike<number>): { objective: number; expectedPayout: number; spend: number; pool: number } {
  let spend = 0,
    owned = 0,
    others = 0;
  for (let t = 0; t < problem.value.length; t++) {
    others += problem.others[t];
    const b = amounts[t];
    if (b > 0) {
      spend += b;
      owned += (problem.value[t] * b) / (problem.others[t] + b);
    }
  }
  const pool = others + spend;
  const expectedPayout = pool * owned;
  return { objective: spend > 0 ? expectedPayout / spend : 0, expectedPayout, spend, pool };
}
