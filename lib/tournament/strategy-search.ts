// The search behind the finish and mean–variance strategies (strategy.ts): local search over whole
// bid units from several starts (the payout optimum, all-in on each of the most valuable teams, the
// proportional split), moving 1 unit, a minimum bid or a whole holding from a held team to another,
// best move first, until no move improves. Each move is judged incrementally: only the two teams it
// touches, and the rivals holding them, change. Ties on the strategy's score go to the higher
// expected payout, so the search crosses the plateaus of a probability counted over scenarios.
import { seededRandom, type Random } from '../random.ts';
import { toUnits, type UnitProblem } from './bid-problem.ts';
import { baselineBids, optimiseGreedy } from './optimise.ts';
import { TIE, evaluateStrategy, type ScenarioProblem, type Strategy, type StrategyOutcome } from './strategy.ts';

export interface StrategyRecommendation {
  amounts: Float64Array;
  outcome: StrategyOutcome;
  /** Allocations tried as starting points, and moves accepted over all of them. */
  starts: number;
  moves: number;
}

/** Starting points: this many of the most valuable teams each get the whole budget. */
const ALL_IN_STARTS = 4;
/** Teams a move may put money on: the held ones and this many of the most valuable. */
const CANDIDATE_TEAMS = 20;

/** Scores an allocation (units per team) and the allocations one move away, without rescoring every scenario. */
interface MoveScorer {
  reset(held: Int32Array): void;
  /** [score, expected payout] now, or after moving `du` units from team `from` to team `to`. */
  current(): [number, number];
  tryMove(from: number, to: number, du: number): [number, number];
  apply(from: number, to: number, du: number): void;
}

export interface StrategySearchOptions {
  /** Bid increment in money (default 1). */
  step?: number;
  /** Random restarts from the best allocation so far, each a couple of random moves away (default 12). */
  kicks?: number;
  seed?: number;
}

export function optimiseStrategy(
  problem: ScenarioProblem,
  strategy: Exclude<Strategy, { kind: 'payout' }>,
  options: StrategySearchOptions = {},
): StrategyRecommendation {
  const search = strategySearch(problem, strategy, options);
  for (;;) {
    const next = search.next();
    if (next.done) return next.value;
  }
}

/**
 * The search as a generator that pauses after every round of moves, so a caller on a shared event
 * loop (a worker heartbeating its activity) can yield between rounds; its return value is the answer.
 */
export function* strategySearch(
  problem: ScenarioProblem,
  strategy: Exclude<Strategy, { kind: 'payout' }>,
  options: StrategySearchOptions = {},
): Generator<void, StrategyRecommendation> {
  const step = options.step ?? 1;
  const p = toUnits(problem, step);
  if (p.maxTeams < 1) throw new Error('no bid is possible: the budget is below the minimum bid');
  const byValue = [...p.value.keys()].sort((a, b) => p.value[b] - p.value[a] || a - b);
  const starts: Int32Array[] = [optimiseGreedy(p)];
  for (const t of byValue.slice(0, ALL_IN_STARTS)) {
    const held = new Int32Array(p.teams);
    held[t] = p.units;
    starts.push(held);
  }
  starts.push(Int32Array.from(baselineBids(problem, 'proportional', step), (b) => Math.round(b / step)));
  const candidates = byValue.slice(0, CANDIDATE_TEAMS);
  const scorer = strategy.kind === 'finish' ? finishScorer(problem, p, strategy.place) : meanVarianceScorer(problem, p, strategy.risk);

  let best = starts[0];
  let bestScore: [number, number] = [-Infinity, -Infinity];
  let moves = 0;
  function* consider(start: Int32Array) {
    const held = Int32Array.from(start);
    scorer.reset(held);
    moves += yield* climb(p, held, scorer, candidates);
    const score = scorer.current();
    if (better(score, bestScore)) [best, bestScore] = [held, score];
  }
  for (const start of starts) yield* consider(start);
  const rng = seededRandom(options.seed ?? 1);
  for (let k = 0; k < (options.kicks ?? 12); k++) yield* consider(kick(p, best, candidates, rng));
  const amounts = Float64Array.from(best, (u) => u * step);
  return { amounts, outcome: evaluateStrategy(problem, amounts, strategy), starts: starts.length + (options.kicks ?? 12), moves };
}

/** The allocation a couple of random legal moves away from `from`. */
function kick(p: UnitProblem, from: Int32Array, pool: readonly number[], rng: Random): Int32Array {
  const held = Int32Array.from(from);
  for (let tries = 0, made = 0; made < 2 && tries < 50; tries++) {
    const owned = [...held.keys()].filter((t) => held[t] > 0);
    const a = owned[Math.floor(rng.next() * owned.length)];
    const b = pool[Math.floor(rng.next() * pool.length)];
    const du = 1 + Math.floor(rng.next() * held[a]);
    if (legal(p, held, a, b, du)) {
      held[a] -= du;
      held[b] += du;
      made++;
    }
  }
  return held;
}

/** Whether moving `du` units from team `from` to team `to` keeps every bid at the minimum or above and the team count within the limit. */
function legal(p: UnitProblem, held: Int32Array, from: number, to: number, du: number): boolean {
  if (to === from || du > held[from]) return false;
  const left = held[from] - du;
  if ((left > 0 && left < p.minUnits) || held[to] + du < p.minUnits) return false;
  if (held[to] === 0 && left > 0) return held.reduce((k, u) => k + (u > 0 ? 1 : 0), 0) < p.maxTeams;
  return true;
}

const better = (a: [number, number], b: [number, number]) => a[0] > b[0] + 1e-12 || (a[0] >= b[0] - 1e-12 && a[1] > b[1] * (1 + 1e-12) + 1e-15);

/**
 * How many units a move takes from a holding of `held`: 1, 2, 4, … (so a search over a 100-unit budget
 * stays cheap), the whole holding, and all but the minimum bid. Every size up to 8 is tried.
 */
function moveSizes(held: number, minUnits: number): number[] {
  const sizes = new Set<number>([held, held - minUnits]);
  for (let du = 1; du <= Math.min(held, 8); du++) sizes.add(du);
  for (let du = 16; du < held; du *= 2) sizes.add(du);
  return [...sizes].filter((du) => du >= 1 && du <= held);
}

/** Steepest ascent from `held` (changed in place), pausing after each round of moves; returns the number of moves made. */
function* climb(p: UnitProblem, held: Int32Array, scorer: MoveScorer, candidates: readonly number[]): Generator<void, number> {
  let moves = 0;
  for (; ; yield) {
    let bestMove: [number, number, number] | null = null;
    let bestScore = scorer.current();
    const owned = [...held.keys()].filter((t) => held[t] > 0);
    const targets = [...new Set([...owned, ...candidates])];
    for (const from of owned) {
      const sizes = moveSizes(held[from], p.minUnits);
      for (const to of targets) {
        if (to === from) continue;
        for (const du of sizes) {
          const left = held[from] - du;
          if ((left > 0 && left < p.minUnits) || held[to] + du < p.minUnits) continue;
          if (held[to] === 0 && left > 0 && owned.length >= p.maxTeams) continue;
          const score = scorer.tryMove(from, to, du);
          if (better(score, bestScore)) [bestMove, bestScore] = [[from, to, du], score];
        }
      }
    }
    if (!bestMove) return moves;
    const [from, to, du] = bestMove;
    scorer.apply(from, to, du);
    held[from] -= du;
    held[to] += du;
    moves++;
  }
}

/** Shared state: bids per team, our ownership f_t = b/(o+b) and the dilution g_t = 1/(o+b). */
function ownershipState(problem: ScenarioProblem, p: UnitProblem) {
  const n = p.teams;
  const pool = problem.others.reduce((a, b) => a + b, 0) + p.units * p.step;
  const f = new Float64Array(n);
  const g = new Float64Array(n);
  const at = (t: number, units: number): [number, number] => {
    const b = units * p.step;
    const d = problem.others[t] + b;
    return [units > 0 ? b / d : 0, d > 0 ? 1 / d : 0];
  };
  return { n, pool, f, g, at };
}

/**
 * P(at most place − 1 rivals strictly ahead), over the scenarios. Shares are read team by team and
 * rival payouts rival by rival (a move reads two teams and a few rivals over every scenario), and
 * each scenario's rival payouts are also kept sorted, so counting those ahead is a binary search.
 */
function finishScorer(problem: ScenarioProblem, p: UnitProblem, place: number): MoveScorer {
  const { n, pool, f, g, at } = ownershipState(problem, p);
  const S = problem.scenarios;
  const E = problem.rivals.length;
  const h = problem.holdings;
  const tie = TIE * pool;
  const spend = p.units * p.step;
  // byTeam[t*S + s]: team t's share of the pool in scenario s.
  const byTeam = new Float64Array(n * S);
  for (let s = 0; s < S; s++) for (let t = 0; t < n; t++) byTeam[t * S + s] = problem.shares[s * n + t];
  const ours = new Float64Array(S);
  // rival[e*S + s]: rival e's payout in scenario s; sorted[s*E ..]: scenario s's rival payouts, largest first.
  const rival = new Float64Array(E * S);
  const sorted = new Float64Array(S * E);
  /** 1 where we finish within `place` in scenario s. */
  const ok = new Uint8Array(S);
  // How far our payout is above the place-th rival's (ok ⇔ gap ≥ 0): a move that shifts our payout by
  // U and any rival's by at most R cannot change a scenario whose |gap| > U + R, so it is skipped.
  const gap = new Float64Array(S);
  const holders: number[][] = Array.from({ length: n }, (_, t) => [...Array(E).keys()].filter((e) => h[e * n + t] > 0));
  let successes = 0;
  let mean = 0;
  const above = (s: number, u: number) => {
    let lo = 0,
      hi = E;
    const row = s * E;
    const bar = u + tie;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[row + mid] > bar) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const resort = (s: number) => {
    const row = sorted.subarray(s * E, (s + 1) * E);
    for (let e = 0; e < E; e++) row[e] = rival[e * S + s];
    row.sort().reverse();
    ok[s] = above(s, ours[s]) < place ? 1 : 0;
    gap[s] = place > E ? Infinity : ours[s] + tie - row[place - 1];
  };
  let units = new Int32Array(n);
  /** What moving du units from `from` to `to` changes: our ownerships, and per touched rival its payout rate on each team. */
  const move = (from: number, to: number, du: number) => {
    const [fa, ga] = at(from, units[from] - du);
    const [fb, gb] = at(to, units[to] + du);
    const touched = Int32Array.from(new Set([...holders[from], ...holders[to]]));
    const ra = Float64Array.from(touched, (e) => pool * h[e * n + from] * (ga - g[from]));
    const rb = Float64Array.from(touched, (e) => pool * h[e * n + to] * (gb - g[to]));
    const ua = pool * (fa - f[from]);
    const ub = pool * (fb - f[to]);
    // Per unit of team share: the most our payout and any rival's can move.
    const boundA = Math.abs(ua) + ra.reduce((x, r) => Math.max(x, Math.abs(r)), 0);
    const boundB = Math.abs(ub) + rb.reduce((x, r) => Math.max(x, Math.abs(r)), 0);
    return { fa, ga, fb, gb, ua, ub, touched, ra, rb, boundA, boundB };
  };
  const expectedAfter = (from: number, to: number, m: { ua: number; ub: number }) => mean + (problem.value[from] * m.ua + problem.value[to] * m.ub) / spend;
  return {
    reset(held) {
      units = Int32Array.from(held);
      for (let t = 0; t < n; t++) [f[t], g[t]] = at(t, held[t]);
      ours.fill(0);
      rival.fill(0);
      for (let t = 0; t < n; t++) {
        const col = byTeam.subarray(t * S, (t + 1) * S);
        if (f[t] > 0) for (let s = 0; s < S; s++) ours[s] += pool * col[s] * f[t];
        for (const e of holders[t]) {
          const rate = pool * h[e * n + t] * g[t];
          for (let s = 0; s < S; s++) rival[e * S + s] += col[s] * rate;
        }
      }
      successes = 0;
      for (let s = 0; s < S; s++) {
        resort(s);
        successes += ok[s];
      }
      mean = 0;
      for (let t = 0; t < n; t++) mean += (pool * problem.value[t] * f[t]) / spend;
    },
    current: () => [successes / S, mean],
    tryMove(from, to, du) {
      const m = move(from, to, du);
      const wa = byTeam.subarray(from * S, (from + 1) * S);
      const wb = byTeam.subarray(to * S, (to + 1) * S);
      const k = m.touched.length;
      let count = successes;
      for (let s = 0; s < S; s++) {
        const a = wa[s];
        const b = wb[s];
        if (Math.abs(gap[s]) > a * m.boundA + b * m.boundB) continue;
        const u = ours[s] + a * m.ua + b * m.ub;
        const bar = u + tie;
        let ahead = above(s, u);
        for (let i = 0; i < k; i++) {
          const r = rival[m.touched[i] * S + s];
          ahead += (r + a * m.ra[i] + b * m.rb[i] > bar ? 1 : 0) - (r > bar ? 1 : 0);
        }
        count += (ahead < place ? 1 : 0) - ok[s];
      }
      return [count / S, expectedAfter(from, to, m)];
    },
    apply(from, to, du) {
      const m = move(from, to, du);
      const wa = byTeam.subarray(from * S, (from + 1) * S);
      const wb = byTeam.subarray(to * S, (to + 1) * S);
      for (let s = 0; s < S; s++) {
        const a = wa[s];
        const b = wb[s];
        if (a === 0 && b === 0) continue;
        ours[s] += a * m.ua + b * m.ub;
        for (let i = 0; i < m.touched.length; i++) rival[m.touched[i] * S + s] += a * m.ra[i] + b * m.rb[i];
        successes -= ok[s];
        resort(s);
        successes += ok[s];
      }
      mean = expectedAfter(from, to, m);
      [f[from], g[from], f[to], g[to]] = [m.fa, m.ga, m.fb, m.gb];
      units[from] -= du;
      units[to] += du;
    },
  };
}

/** E[N] − risk·Var[N] with the scenarios' covariance of team shares: a move changes two ownerships, so O(1) per move given Σf. */
function meanVarianceScorer(problem: ScenarioProblem, p: UnitProblem, risk: number): MoveScorer {
  const { n, pool, f, at } = ownershipState(problem, p);
  const S = problem.scenarios;
  const spend = p.units * p.step;
  const k = pool / spend;
  const mu = new Float64Array(n);
  for (let s = 0; s < S; s++) for (let t = 0; t < n; t++) mu[t] += problem.shares[s * n + t] / S;
  const cov = new Float64Array(n * n);
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) {
      const di = problem.shares[s * n + i] - mu[i];
      if (di === 0) continue;
      for (let j = 0; j < n; j++) cov[i * n + j] += (di * (problem.shares[s * n + j] - mu[j])) / S;
    }
  }
  const covF = new Float64Array(n);
  let units = new Int32Array(n);
  let mean = 0;
  let quad = 0;
  const score = (m: number, q: number): [number, number] => [k * m - risk * k * k * q, k * m];
  const change = (from: number, to: number, du: number) => {
    const [fa] = at(from, units[from] - du);
    const [fb] = at(to, units[to] + du);
    const da = fa - f[from];
    const db = fb - f[to];
    const dq = 2 * da * covF[from] + 2 * db * covF[to] + da * da * cov[from * n + from] + db * db * cov[to * n + to] + 2 * da * db * cov[from * n + to];
    return { fa, fb, da, db, dm: mu[from] * da + mu[to] * db, dq };
  };
  return {
    reset(held) {
      units = Int32Array.from(held);
      for (let t = 0; t < n; t++) f[t] = at(t, held[t])[0];
      covF.fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) covF[i] += cov[i * n + j] * f[j];
      mean = f.reduce((a, x, t) => a + x * mu[t], 0);
      quad = f.reduce((a, x, t) => a + x * covF[t], 0);
    },
    current: () => score(mean, quad),
    tryMove(from, to, du) {
      const c = change(from, to, du);
      return score(mean + c.dm, quad + c.dq);
    },
    apply(from, to, du) {
      const c = change(from, to, du);
      mean += c.dm;
      quad += c.dq;
      for (let i = 0; i < n; i++) covF[i] += cov[i * n + from] * c.da + cov[i * n + to] * c.db;
      f[from] = c.fa;
      f[to] = c.fb;
      units[from] -= du;
      units[to] += du;
    },
  };
}
