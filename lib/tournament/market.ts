// What the auction is expected to pay for each team before any history is known (a prior share of
// the pool), and the per-team features a market-share regressor is trained on.
import { fieldBracket, validateField } from './bracket.ts';
import { exactWinDistribution, expectedWins } from './exact.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix, type GameModel } from './game-model.ts';
import { DEFAULT_PAYOUTS, expectedPayoutShares } from './scoring.ts';
import type { PayoutRule, Team } from './types.ts';

/**
 * Bidders pay for expected value, but flatter than value: long shots draw more money than their
 * chances justify and favourites less (the favourite–long-shot bias of betting markets). An exponent
 * below 1 on expected value models that; 0.8 is an assumption, not a figure estimated from auctions.
 */
export const MARKET_PRIOR_EXPONENT = 0.8;

export interface MarketPriorOptions {
  model?: GameModel;
  payouts?: readonly PayoutRule[];
  exponent?: number;
}

/** Each team's expected payout share (fraction of the pool) under the game model, exact. */
export function teamValues(teams: readonly Team[], options: Pick<MarketPriorOptions, 'model' | 'payouts'> = {}): Float64Array {
  const n = teams.length;
  const p = probabilityMatrix(
    options.model ?? DEFAULT_GAME_MODEL,
    teams.map((t) => t.rating),
  );
  const bracket = fieldBracket(teams);
  const distribution = exactWinDistribution(bracket, p, n);
  return expectedPayoutShares(distribution, n, { payouts: [...(options.payouts ?? DEFAULT_PAYOUTS)] }, bracket);
}

/** Expected share of the auction pool per team, ∝ expected payout share^exponent, summing to 1. */
export function marketSharePrior(teams: readonly Team[], options: MarketPriorOptions = {}): Float64Array {
  const value = teamValues(teams, options);
  const exponent = options.exponent ?? MARKET_PRIOR_EXPONENT;
  const prior = value.map((v) => Math.pow(Math.max(v, 1e-12), exponent));
  const total = prior.reduce((a, b) => a + b, 0);
  return prior.map((v) => v / total);
}

export const MARKET_FEATURE_NAMES = [
  'seed',
  'rating',
  'log_seed',
  'top_seed',
  'region_rating_rank',
  'rating_minus_region_mean',
  'rating_gap_to_region_best',
  'expected_wins',
  'log_expected_payout_share',
] as const;

/**
 * One feature vector per team of a valid field (order of MARKET_FEATURE_NAMES): the team's own
 * seed and rating, where it stands in its region, and its exact expected wins and value.
 */
export function marketFeatureMatrix(teams: readonly Team[], options: Pick<MarketPriorOptions, 'model' | 'payouts'> = {}): number[][] {
  const n = teams.length;
  const p = probabilityMatrix(
    options.model ?? DEFAULT_GAME_MODEL,
    teams.map((t) => t.rating),
  );
  const bracket = fieldBracket(teams);
  const distribution = exactWinDistribution(bracket, p, n);
  const progress = expectedWins(distribution, n);
  const value = expectedPayoutShares(distribution, n, { payouts: [...(options.payouts ?? DEFAULT_PAYOUTS)] }, bracket);
  // Expected wins in the 64-team bracket (a First Four win not counted), so that fields with and
  // without a First Four give the same feature: E[max(progress − 1, 0)] = E[progress] − P(progress ≥ 1).
  const width = distribution.length / n;
  const wins = bracket.firstFour ? Float64Array.from(progress, (e, i) => e - (1 - distribution[i * width])) : progress;
  return teams.map((team, i) => [...ownFeatures(team), ...regionFeatures(team, teams), wins[i], Math.log(Math.max(value[i], 1e-12))]);
}

/**
 * Features of one team. With its field every feature is filled; without it (or with an invalid
 * field) the region and bracket features are NaN, so a regressor cannot mistake them for real values.
 */
export function marketFeatures(team: Team, field?: readonly Team[]): number[] {
  if (field && validateField(field).length === 0) {
    const i = field.findIndex((t) => t.key === team.key);
    if (i >= 0) return marketFeatureMatrix(field)[i];
  }
  return [...ownFeatures(team), NaN, NaN, NaN, NaN, NaN];
}

function ownFeatures(team: Team): number[] {
  return [team.seed, team.rating, Math.log(team.seed), team.seed === 1 ? 1 : 0];
}

function regionFeatures(team: Team, field: readonly Team[]): number[] {
  const region = field.filter((t) => t.region === team.region).map((t) => t.rating);
  const rank = 1 + region.filter((r) => r > team.rating).length;
  const mean = region.reduce((a, b) => a + b, 0) / region.length;
  return [rank, team.rating - mean, Math.max(...region) - team.rating];
}
