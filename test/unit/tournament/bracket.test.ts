import { describe, expect, it } from 'vitest';
import { bracketOrder, fieldBracket, fieldProblems, validateField } from '../../../lib/tournament/bracket.ts';
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
    expect(problems).toContain('region West has no 3 seed');
    expect(problems.some((p) => p.startsWith('region West already has a 4 seed'))).toBe(true);
    expect(problems.filter((p) => !p.includes('West'))).toEqual([]);
  });

  it('reports the wrong number of teams and regions, duplicate keys and non-finite ratings', () => {
    const teams = field();
    teams[5] = { ...teams[5], key: teams[4].key };
    teams[9] = { ...teams[9], rating: Number.NaN };
    const short = teams.filter((t) => t.region !== 'South');
    const problems = validateField(short);
    expect(problems).toContain('the field has 48 teams; supported fields have 64, or 68 with 4 First Four pairs');
    expect(problems.some((p) => p.startsWith('the field has 3 regions'))).toBe(true);
    expect(problems).toContain(`team key "${teams[4].key}" is listed twice`);
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
    expect(() => bracketOrder(sampleTournament(7, { firstFour: true }).teams)).toThrow(/use fieldBracket/);
    expect(() => bracketOrder(teams, ['South', 'East', 'West', 'North'])).toThrow(/regionOrder/);
  });
});

describe('First Four pairs', () => {
  const ff = (): Team[] => sampleTournament(7, { firstFour: true }).teams.map((t) => ({ ...t }));

  it('accepts 68 teams with four marked pairs, and nothing in between 64 and 68', () => {
    expect(validateField(ff())).toEqual([]);
    const pairs = fieldBracket(ff()).playIns;
    expect(pairs.length / 3).toBe(4);
    // Drop one team of a pair: its partner is left marked and alone.
    const teams = ff();
    const lone = teams.findIndex((t) => t.playIn);
    const partner = teams.findIndex((t, i) => i !== lone && t.playIn && t.region === teams[lone].region && t.seed === teams[lone].seed);
    const short = teams.filter((_, i) => i !== lone);
    const problems = fieldProblems(short);
    expect(problems).toContainEqual({
      team: partner - 1,
      column: 'play_in',
      reason: expect.stringContaining(`"${teams[partner].key}" is marked as a First Four team but is region ${teams[lone].region}'s only`),
    });
    expect(problems.map((p) => p.reason)).toContain('the field has 67 teams; supported fields have 64, or 68 with 4 First Four pairs');
  });

  it('refuses two teams on one seed line unless both are marked, and a pair of three', () => {
    const teams = ff();
    const i = teams.findIndex((t) => t.playIn);
    teams[i] = { ...teams[i], playIn: false };
    expect(fieldProblems(teams)).toContainEqual({ team: i, column: 'seed', reason: expect.stringContaining('only as a First Four pair, both marked play_in') });
    const triple = ff();
    const j = triple.findIndex((t) => t.playIn);
    triple.push({ ...triple[j], key: 'third', playIn: true });
    expect(validateField(triple).some((r) => r.includes(`has 3 teams seeded ${triple[j].seed}`))).toBe(true);
  });
});
