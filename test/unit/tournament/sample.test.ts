import { describe, expect, it } from 'vitest';
import { validateField } from '../../../lib/tournament/bracket.ts';
import { fitGameModel, DEFAULT_GAME_MODEL } from '../../../lib/tournament/game-model.ts';
import { marketSharePrior } from '../../../lib/tournament/market.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import { poolTotals, validateBids } from '../../../lib/tournament/scoring.ts';

describe('sampleTournament', () => {
  it('is the same for the same seed and different for another', () => {
    expect(sampleTournament(5)).toEqual(sampleTournament(5));
    expect(sampleTournament(5).teams).not.toEqual(sampleTournament(6).teams);
    expect(sampleTournament(5).bids).not.toEqual(sampleTournament(6).bids);
  });

  it('makes a valid field whose ratings fall with seed, and bids that obey the rules', () => {
    for (const seed of [2026, 1, 2]) {
      const s = sampleTournament(seed);
      expect(validateField(s.teams)).toEqual([]);
      expect(
        validateBids(
          s.bids,
          s.calcutta,
          s.teams.map((t) => t.key),
        ),
      ).toEqual([]);
      expect(new Set(s.bids.map((b) => b.entry)).size).toBe(20);
      const meanRating = (seedLine: number) => s.teams.filter((t) => t.seed === seedLine).reduce((a, t) => a + t.rating, 0) / 4;
      expect(meanRating(1)).toBeGreaterThan(meanRating(8));
      expect(meanRating(8)).toBeGreaterThan(meanRating(16));
      expect(s.historicalAuctions.map((a) => a.year)).toEqual([s.tournament.year - 1, s.tournament.year - 2, s.tournament.year - 3]);
      for (const past of s.historicalAuctions) expect(validateField(past.teams)).toEqual([]);
    }
  });

  it('sells every team, with team totals that follow the prior market shares', () => {
    const s = sampleTournament();
    const { pool, byTeam } = poolTotals(s.bids);
    expect(byTeam.size).toBe(64);
    const prior = marketSharePrior(s.teams);
    const share = s.teams.map((t) => byTeam.get(t.key)! / pool);
    const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
    const [mx, my] = [mean(prior), mean(share)];
    let sxy = 0,
      sxx = 0,
      syy = 0;
    for (let i = 0; i < 64; i++) {
      sxy += (prior[i] - mx) * (share[i] - my);
      sxx += (prior[i] - mx) ** 2;
      syy += (share[i] - my) ** 2;
    }
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.9);
  });

  it('draws historical games from the default game model', () => {
    const fit = fitGameModel(sampleTournament(2026, { historicalGames: 4_000 }).historicalGames);
    expect(Math.abs(fit.scale - DEFAULT_GAME_MODEL.scale) / DEFAULT_GAME_MODEL.scale).toBeLessThan(0.15);
  });
});
