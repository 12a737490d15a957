// Tournament math for Calcutta auctions: the bracket, game probabilities, exact and simulated
// outcomes, scoring, entry evaluation, bid optimisation and a sample data set. Pure: no I/O.
export * from './types.ts';
export * from './bracket.ts';
export * from './game-model.ts';
export * from './exact.ts';
export * from './simulate.ts';
export * from './scoring.ts';
export * from './market.ts';
export * from './evaluate.ts';
export * from './sample.ts';
export * from './bid-problem.ts';
export * from './optimise.ts';
export * from './optimise-exact.ts';
