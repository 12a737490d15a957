import { describe, expect, it } from 'vitest';
import { MARKET_FEATURE_NAMES, marketFeatureMatrix, marketFeatures, marketSharePrior, teamValues } from '../../../lib/tournament/market.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';

const { teams } = sampleTournament(11);

describe('market prior', () => {
  it('sums to one and ranks teams as their expected value does', () => {
    const prior = marketSharePrior(teams);
    const value = teamValues(teams);
    expect(prior.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(value.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) if (value[i] > value[j]) expect(prior[i]).toBeGreaterThan(prior[j]);
  });

  it('is flatter than value: favourites get less than their value, long shots more', () => {
    const prior = marketSharePrior(teams);
    const value = teamValues(teams);
    const best = value.indexOf(Math.max(...value));
    const worst = value.indexOf(Math.min(...value));
    expect(prior[best]).toBeLessThan(value[best]);
    expect(prior[worst]).toBeGreaterThan(value[worst]);
    const exact = marketSharePrior(teams, { exponent: 1 });
    exact.forEach((v, i) => expect(v).toBeCloseTo(value[i], 12));
  });
});

describe('market features', () => {
  it('gives one named value per feature, with region features for the field', () => {
    const matrix = marketFeatureMatrix(teams);
    expect(matrix.length).toBe(64);
    for (const row of matrix) expect(row.length).toBe(MARKET_FEATURE_NAMES.length);
    const col = (name: (typeof MARKET_FEATURE_NAMES)[number]) => MARKET_FEATURE_NAMES.indexOf(name);
    for (const region of ['East', 'West', 'South', 'Midwest']) {
      const rows = teams.map((t, i) => [t, matrix[i]] as const).filter(([t]) => t.region === region);
      const ranks = rows.map(([, r]) => r[col('region_rating_rank')]).sort((a, b) => a - b);
      expect(ranks[0]).toBe(1);
      const best = rows.find(([, r]) => r[col('region_rating_rank')] === 1)!;
      expect(best[1][col('rating_gap_to_region_best')]).toBe(0);
      expect(rows.reduce((a, [, r]) => a + r[col('rating_minus_region_mean')], 0)).toBeCloseTo(0, 9);
    }
    expect(matrix.reduce((a, r) => a + r[col('expected_wins')], 0)).toBeCloseTo(63, 9);
  });

  it('matches the matrix row with the field and leaves field features NaN without it', () => {
    const team = teams[20];
    expect(marketFeatures(team, teams)).toEqual(marketFeatureMatrix(teams)[20]);
    const alone = marketFeatures(team);
    expect(alone.slice(0, 4)).toEqual([team.seed, team.rating, Math.log(team.seed), team.seed === 1 ? 1 : 0]);
    expect(alone.slice(4).every(Number.isNaN)).toBe(true);
  });
});
