// Parameters of a tournament run, read the same way by every step so that the optimisation run a
// step writes and the one the next step reads are the same (run_key).
import { ApplicationFailure } from '@temporalio/activity';
import { hashSeed } from '../../../lib/random.ts';
import { fitGameModel, DEFAULT_GAME_MODEL, type GameModel } from '../../../lib/tournament/index.ts';
import { parseStrategy } from '../../../lib/tournament/strategy.ts';
import type { TournamentData } from '../sql/tournament.ts';

export const MAX_SIMULATIONS = 1_000_000;
export const MAX_SCENARIOS = 20_000;
/** What a run optimises when not told: expected payout, P(finishing first), and a mean–variance trade-off. */
export const DEFAULT_STRATEGIES = ['payout', 'first', 'mean-variance:1'];
/** Fewer historical games than this say too little about the rating scale: use the default model. */
const MIN_GAMES_TO_FIT = 50;

export interface TournamentParams {
  simulations: number;
  seed: number;
  entry: string;
  method: 'greedy' | 'exact';
  step: number;
  /** Strategies, as written (payout, first, top:<percent>, mean-variance:<risk>): one optimisation run each. */
  strategies: string[];
  /** Simulated brackets the finish and mean–variance strategies plan with (their own seed). */
  scenarios: number;
}

function bad(name: string, reason: string): never {
  throw ApplicationFailure.nonRetryable(`parameter ${name} ${reason}`, 'BadParameter');
}

export function tournamentParams(tournament: string, params: Record<string, unknown>): TournamentParams {
  const simulations = Number(params.simulations ?? 5_000);
  if (!Number.isInteger(simulations) || simulations < 100 || simulations > MAX_SIMULATIONS)
    bad('simulations', `must be a whole number from 100 to ${MAX_SIMULATIONS}, got ${String(params.simulations)}`);
  const seed = params.seed === undefined ? hashSeed(`tournament/${tournament}`) : Number(params.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) bad('seed', `must be a whole number from 0 to 4294967295, got ${String(params.seed)}`);
  const entry = String(params.entry ?? 'refinery');
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(entry)) bad('entry', `must be a lower-case entry name, got ${JSON.stringify(entry)}`);
  const method = String(params.method ?? 'greedy');
  if (method !== 'greedy' && method !== 'exact') bad('method', `must be greedy or exact, got ${JSON.stringify(method)}`);
  const step = Number(params.step ?? 1);
  if (!(step > 0)) bad('step', `must be a positive amount, got ${String(params.step)}`);
  const strategies =
    params.strategies === undefined
      ? DEFAULT_STRATEGIES
      : String(params.strategies)
          .split(',')
          .map((x) => x.trim());
  for (const s of strategies) {
    try {
      parseStrategy(s, 2);
    } catch (e) {
      bad('strategies', (e as Error).message);
    }
  }
  if (new Set(strategies).size !== strategies.length || !strategies.length)
    bad('strategies', `must list each strategy once, got ${JSON.stringify(params.strategies)}`);
  const scenarios = Number(params.scenarios ?? 2_000);
  if (!Number.isInteger(scenarios) || scenarios < 100 || scenarios > MAX_SCENARIOS)
    bad('scenarios', `must be a whole number from 100 to ${MAX_SCENARIOS}, got ${String(params.scenarios)}`);
  return { simulations, seed, entry, method, step, strategies, scenarios };
}

/**
 * Identifies an optimisation run: the same tournament, parameters and strategy replace the same run.
 * The payout strategy keeps the key it had before strategies existed.
 */
export function runKey(tournament: string, p: TournamentParams, strategy = 'payout'): string {
  const base = `${tournament}|entry=${p.entry}|method=${p.method}|step=${p.step}|simulations=${p.simulations}|seed=${p.seed}`;
  return strategy === 'payout' ? base : `${base}|strategy=${strategy}|scenarios=${p.scenarios}`;
}

/** The game model: fitted to historical games when there are enough, the documented default otherwise. */
export function gameModelFor(t: TournamentData): { model: GameModel; method: string } {
  if (t.historicalGames.length < MIN_GAMES_TO_FIT) return { model: DEFAULT_GAME_MODEL, method: 'default (a 10-point rating gap wins 80%)' };
  return { model: fitGameModel(t.historicalGames), method: `logistic fit to ${t.historicalGames.length} historical games` };
}
