// Parameters of a tournament run, read the same way by every step so that the optimisation run a
// step writes and the one the next step reads are the same (run_key).
import { ApplicationFailure } from '@temporalio/activity';
import { hashSeed } from '../../../lib/random.ts';
import { fitGameModel, DEFAULT_GAME_MODEL, type GameModel } from '../../../lib/tournament/index.ts';
import type { TournamentData } from '../sql/tournament.ts';

export const MAX_SIMULATIONS = 1_000_000;
/** Fewer historical games than this say too little about the rating scale: use the default model. */
const MIN_GAMES_TO_FIT = 50;

export interface TournamentParams {
  simulations: number;
  seed: number;
  entry: string;
  method: 'greedy' | 'exact';
  step: number;
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
  return { simulations, seed, entry, method, step };
}

/** Identifies an optimisation run: the same tournament and parameters replace the same run. */
export function runKey(tournament: string, p: TournamentParams): string {
  return `${tournament}|entry=${p.entry}|method=${p.method}|step=${p.step}|simulations=${p.simulations}|seed=${p.seed}`;
}

/** The game model: fitted to historical games when there are enough, the documented default otherwise. */
export function gameModelFor(t: TournamentData): { model: GameModel; method: string } {
  if (t.historicalGames.length < MIN_GAMES_TO_FIT) return { model: DEFAULT_GAME_MODEL, method: 'default (a 10-point rating gap wins 80%)' };
  return { model: fitGameModel(t.historicalGames), method: `logistic fit to ${t.historicalGames.length} historical games` };
}
