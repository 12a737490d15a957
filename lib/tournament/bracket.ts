// The 64-team field: checks that it is a proper bracket and lays the teams out in slot order, so
// that slots 2k and 2k+1 meet in round 1, the winners of slot blocks of 4 meet in round 2, and so on.
import type { Team } from './types.ts';

export const REGION_COUNT = 4;
export const SEEDS_PER_REGION = 16;
export const ROUNDS = 6;

/** Seeds in slot order within a region: adjacent pairs meet in round 1 (1v16, 8v9, ...), so 1 and 2 can only meet in the regional final. */
export const REGION_SEED_ORDER = [1, 16, 8, 9, 5, 12, 4, 13, 6, 11, 3, 14, 7, 10, 2, 15] as const;

/** Every problem with the field, in words a person can act on; empty when it is a valid 64-team bracket. */
export function validateField(teams: readonly Team[]): string[] {
  const problems: string[] = [];
  const expected = REGION_COUNT * SEEDS_PER_REGION;
  if (teams.length !== expected) problems.push(`the field has ${teams.length} teams, expected ${expected}`);

  const keys = new Map<string, number>();
  teams.forEach((team, i) => {
    if (keys.has(team.key)) problems.push(`duplicate team key "${team.key}" (teams ${keys.get(team.key)} and ${i})`);
    else keys.set(team.key, i);
    if (!Number.isFinite(team.rating)) problems.push(`team "${team.key}" has a non-finite rating (${team.rating})`);
    if (!Number.isInteger(team.seed) || team.seed < 1 || team.seed > SEEDS_PER_REGION) {
      problems.push(`team "${team.key}" has seed ${team.seed}, expected an integer 1..${SEEDS_PER_REGION}`);
    }
  });

  const regions = regionsInOrder(teams);
  if (regions.length !== REGION_COUNT) {
    problems.push(`the field has ${regions.length} regions (${regions.join(', ')}), expected ${REGION_COUNT}`);
  }
  for (const region of regions) {
    const seen = new Map<number, string>();
    for (const team of teams) {
      if (team.region !== region) continue;
      const other = seen.get(team.seed);
      if (other !== undefined) problems.push(`region ${region} has seed ${team.seed} twice ("${other}" and "${team.key}")`);
      else seen.set(team.seed, team.key);
    }
    const missing = REGION_SEED_ORDER.filter((s) => !seen.has(s)).sort((a, b) => a - b);
    if (missing.length > 0) problems.push(`region ${region} is missing seed${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return problems;
}

/** Regions in order of first appearance in the field. */
export function regionsInOrder(teams: readonly Team[]): string[] {
  return [...new Set(teams.map((t) => t.region))];
}

/**
 * Indices into `teams` in bracket slot order. Regions take the quarters of the bracket in
 * `regionOrder` (default: order of first appearance), so the Final Four pairs regions 0 with 1 and 2 with 3.
 * Throws with every problem when the field is not a valid bracket.
 */
export function bracketOrder(teams: readonly Team[], regionOrder?: readonly string[]): number[] {
  const problems = validateField(teams);
  const regions = regionOrder ? [...regionOrder] : regionsInOrder(teams);
  const known = new Set(regionsInOrder(teams));
  if (regionOrder && (regions.length !== REGION_COUNT || new Set(regions).size !== REGION_COUNT || !regions.every((r) => known.has(r)))) {
    problems.push(`regionOrder [${regions.join(', ')}] must name each of the field's regions (${[...known].join(', ')}) once`);
  }
  if (problems.length > 0) throw new Error(`not a valid bracket: ${problems.join('; ')}`);

  const index = new Map<string, number>();
  teams.forEach((t, i) => index.set(`${t.region}\u0000${t.seed}`, i));
  const order: number[] = [];
  for (const region of regions) for (const seed of REGION_SEED_ORDER) order.push(index.get(`${region}\u0000${seed}`)!);
  return order;
}

/** log2 of the bracket size; throws unless the bracket has a power-of-two number of slots (≥ 2). */
export function bracketRounds(bracket: ArrayLike<number>): number {
  const size = bracket.length;
  if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`a bracket needs a power-of-two number of slots ≥ 2, got ${size}`);
  return Math.log2(size);
}
