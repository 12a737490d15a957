import { describe, expect, it } from 'vitest';
import { bracketOrder, validateField } from '../../../lib/tournament/bracket.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import type { Team } from '../../../lib/tournament/types.ts';

const field = (): Team[] => sampleTournament(7).teams.map((t) => ({ ...t }));

describe('validateField', () => {
  it('accepts the sample field', () => {
    expect(validateField(field())).toEqual([]);
  });

  it('names a missing and a duplicated seed in the region where they occur', () => {
    const teams = field();
    const west3 = teams.find((t) => t.region === 'West' && t.seed === 3)!;
    west3.seed = 4;
    const problems = validateField(teams);
    expect(problems).toContain('region West is missing seed 3');
    expect(problems.some((p) => p.startsWith('region West has seed 4 twice'))).toBe(true);
    expect(problems.filter((p) => !p.includes('West'))).toEqual([]);
  });

  it('reports the wrong number of teams and regions, duplicate keys and non-finite ratings', () => {
    const teams = field();
    teams[5] = { ...teams[5], key: teams[4].key };
    teams[9] = { ...teams[9], rating: Number.NaN };
    const short = teams.filter((t) => t.region !== 'South');
    const problems = validateField(short);
    expect(problems).toContain('the field has 48 teams, expected 64');
    expect(problems.some((p) => p.startsWith('the field has 3 regions'))).toBe(true);
    expect(problems.some((p) => p.startsWith(`duplicate team key "${teams[4].key}"`))).toBe(true);
    expect(problems.some((p) => p.includes('non-finite rating'))).toBe(true);
  });
});

describe('bracketOrder', () => {
  it('pairs seeds 1v16, 8v9, 5v12, 4v13, 6v11, 3v14, 7v10, 2v15 within each region, regions in order of appearance', () => {
    const teams = field().reverse(); // order must come from region and seed, not position
    const order = bracketOrder(teams);
    expect(new Set(order).size).toBe(64);
    const seeds = order.slice(0, 16).map((i) => teams[i].seed);
    expect(seeds).toEqual([1, 16, 8, 9, 5, 12, 4, 13, 6, 11, 3, 14, 7, 10, 2, 15]);
    const regions = [0, 16, 32, 48].map((s) => teams[order[s]].region);
    expect(regions).toEqual(['Midwest', 'South', 'West', 'East']);
    for (let q = 0; q < 4; q++) expect(new Set(order.slice(16 * q, 16 * q + 16).map((i) => teams[i].region)).size).toBe(1);
  });

  it('puts regions 0 and 1 in the same half when an order is given', () => {
    const teams = field();
    const order = bracketOrder(teams, ['South', 'East', 'Midwest', 'West']);
    expect([0, 16, 32, 48].map((s) => teams[order[s]].region)).toEqual(['South', 'East', 'Midwest', 'West']);
  });

  it('refuses an invalid field or region order with the problems', () => {
    const teams = field();
    expect(() => bracketOrder(teams.slice(1))).toThrow(/63 teams/);
    expect(() => bracketOrder(teams, ['South', 'East', 'West', 'North'])).toThrow(/regionOrder/);
  });
});
