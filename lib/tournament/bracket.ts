// The field and its bracket: checks that the teams form a proper NCAA-style field (64 teams, or 68
// with four First Four play-in pairs) and lays them out in slot order, so that slots 2k and 2k+1
// meet in round 1, the winners of slot blocks of 4 meet in round 2, and so on; a play-in pair
// shares one slot, which its First Four winner takes.
import type { Team } from './types.ts';

export const REGION_COUNT = 4;
export const SEEDS_PER_REGION = 16;
export const ROUNDS = 6;
/** Play-in games of a 68-team field (two teams per slot in four slots). */
export const FIRST_FOUR_GAMES = 4;

/** Seeds in slot order within a region: adjacent pairs meet in round 1 (1v16, 8v9, ...), so 1 and 2 can only meet in the regional final. */
export const REGION_SEED_ORDER = [1, 16, 8, 9, 5, 12, 4, 13, 6, 11, 3, 14, 7, 10, 2, 15] as const;

/**
 * A bracket ready to play. Every per-team count elsewhere (simulated and exact) is a team's
 * *progress*: rounds survived, where a First Four round, when there is one, is round 0 and a team
 * that skips it survives it by a bye. So in a 64-team field progress is wins; in a 68-team field a
 * First Four loser has 0, its winner 1 + its wins in the 64-team bracket, and every other team 1 +
 * its wins (seed 003's `wins + byes`).
 */
export interface Bracket {
  /** Team index per slot, in slot order; a play-in slot holds the first team of its pair. */
  slots: Int32Array;
  /** First Four games as (slot, team a, team b) triples: the winner takes the slot. */
  playIns: Int32Array;
  /** Rounds of the main bracket: log2(slots). */
  rounds: number;
  /** Whether progress counts a First Four round (true when there are play-in games). */
  firstFour: boolean;
}

/** What payouts and distributions need of a bracket: how many rounds and whether progress starts with a First Four. */
export type FieldShape = Pick<Bracket, 'rounds' | 'firstFour'>;
export const STANDARD_SHAPE: FieldShape = Object.freeze({ rounds: ROUNDS, firstFour: false });

/** Values a team's progress can take: 0..rounds, plus one for a First Four. */
export const progressWidth = (shape: FieldShape) => shape.rounds + (shape.firstFour ? 1 : 0) + 1;

/** A problem with a field, pointing at the team (index into the field) it is about when there is one. */
export interface FieldProblem {
  team: number | null;
  column: 'team_key' | 'region' | 'seed' | 'rating' | 'play_in' | null;
  reason: string;
}

/** Every problem with the field, located; empty when it is a 64-team field, or a 68-team field with four play-in pairs. */
export function fieldProblems(teams: readonly Team[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const keys = new Map<string, number>();
  teams.forEach((team, i) => {
    if (keys.has(team.key)) problems.push({ team: i, column: 'team_key', reason: `team key "${team.key}" is listed twice` });
    else keys.set(team.key, i);
    if (!Number.isFinite(team.rating)) problems.push({ team: i, column: 'rating', reason: `team "${team.key}" has a non-finite rating (${team.rating})` });
    if (!Number.isInteger(team.seed) || team.seed < 1 || team.seed > SEEDS_PER_REGION) {
      problems.push({ team: i, column: 'seed', reason: `team "${team.key}" has seed ${team.seed}, expected an integer 1..${SEEDS_PER_REGION}` });
    }
  });

  const regions = regionsInOrder(teams);
  let pairs = 0;
  for (const region of regions) {
    const bySeed = new Map<number, number[]>();
    teams.forEach((t, i) => t.region === region && bySeed.set(t.seed, [...(bySeed.get(t.seed) ?? []), i]));
    for (const [seed, at] of bySeed) {
      const marked = at.filter((i) => teams[i].playIn);
      if (at.length === 1 && marked.length === 1) {
        problems.push({
          team: at[0],
          column: 'play_in',
          reason: `"${teams[at[0]].key}" is marked as a First Four team but is region ${region}'s only ${seed} seed: a play-in pair is two teams of one region and seed`,
        });
      } else if (at.length === 2 && marked.length === 2) pairs++;
      else if (at.length === 2) {
        // The second of two unmarked teams, or the unmarked one beside a marked one.
        const culprit = marked.length === 0 ? at[1] : at.find((i) => !teams[i].playIn)!;
        const other = at.find((i) => i !== culprit)!;
        problems.push({
          team: culprit,
          column: 'seed',
          reason: `region ${region} already has a ${seed} seed ("${teams[other].key}"); two teams share a seed only as a First Four pair, both marked play_in`,
        });
      } else if (at.length > 2) {
        problems.push({ team: at[2], column: 'seed', reason: `region ${region} has ${at.length} teams seeded ${seed}; a First Four pair is two teams` });
      }
    }
    const missing = REGION_SEED_ORDER.filter((s) => !bySeed.has(s)).sort((a, b) => a - b);
    if (missing.length > 0) {
      problems.push({ team: null, column: 'seed', reason: `region ${region} has no ${missing.join(', ')} seed${missing.length > 1 ? 's' : ''}` });
    }
  }
  if (regions.length !== REGION_COUNT) {
    problems.push({ team: null, column: 'region', reason: `the field has ${regions.length} regions (${regions.join(', ')}); a bracket needs ${REGION_COUNT}` });
  }
  const size = REGION_COUNT * SEEDS_PER_REGION;
  if (teams.length !== size && teams.length !== size + FIRST_FOUR_GAMES) {
    problems.push({
      team: null,
      column: null,
      reason: `the field has ${teams.length} teams; supported fields have ${size}, or ${size + FIRST_FOUR_GAMES} with ${FIRST_FOUR_GAMES} First Four pairs`,
    });
  } else if (pairs !== teams.length - size && problems.length === 0) {
    problems.push({
      team: null,
      column: 'play_in',
      reason: `the field has ${teams.length} teams and ${pairs} First Four pairs; ${teams.length - size} are needed`,
    });
  }
  return problems;
}

/** The problems of fieldProblems as sentences; empty for a valid field. */
export function validateField(teams: readonly Team[]): string[] {
  return fieldProblems(teams).map((p) => p.reason);
}

/** Regions in order of first appearance in the field. */
export function regionsInOrder(teams: readonly Team[]): string[] {
  return [...new Set(teams.map((t) => t.region))];
}

/**
 * The field's bracket. Regions take the quarters in `regionOrder` (default: order of first
 * appearance), so the Final Four pairs regions 0 with 1 and 2 with 3; a play-in slot holds the
 * pair's first team in field order. Throws with every problem when the field is not valid.
 */
export function fieldBracket(teams: readonly Team[], regionOrder?: readonly string[]): Bracket {
  const problems = validateField(teams);
  const regions = regionOrder ? [...regionOrder] : regionsInOrder(teams);
  const known = new Set(regionsInOrder(teams));
  if (regionOrder && (regions.length !== REGION_COUNT || new Set(regions).size !== REGION_COUNT || !regions.every((r) => known.has(r)))) {
    problems.push(`regionOrder [${regions.join(', ')}] must name each of the field's regions (${[...known].join(', ')}) once`);
  }
  if (problems.length > 0) throw new Error(`not a valid bracket: ${problems.join('; ')}`);

  const index = new Map<string, number[]>();
  teams.forEach((t, i) => {
    const k = `${t.region}\u0000${t.seed}`;
    index.set(k, [...(index.get(k) ?? []), i]);
  });
  const slots = new Int32Array(REGION_COUNT * SEEDS_PER_REGION);
  const playIns: number[] = [];
  let s = 0;
  for (const region of regions) {
    for (const seed of REGION_SEED_ORDER) {
      const at = index.get(`${region}\u0000${seed}`)!;
      slots[s] = at[0];
      if (at.length === 2) playIns.push(s, at[0], at[1]);
      s++;
    }
  }
  return { slots, playIns: Int32Array.from(playIns), rounds: ROUNDS, firstFour: playIns.length > 0 };
}

/** Indices into `teams` in bracket slot order, for a 64-team field (see fieldBracket for 68). */
export function bracketOrder(teams: readonly Team[], regionOrder?: readonly string[]): number[] {
  const bracket = fieldBracket(teams, regionOrder);
  if (bracket.firstFour) throw new Error('bracketOrder: the field has First Four games; use fieldBracket');
  return Array.from(bracket.slots);
}

/** A bracket as given: a Bracket, or plain slot order (no play-in games). Checks the slots are a power of two. */
export function asBracket(bracket: Bracket | ArrayLike<number>): Bracket {
  if ('slots' in bracket && 'playIns' in bracket) {
    bracketRounds(bracket.slots);
    return bracket;
  }
  const slots = Int32Array.from(bracket);
  return { slots, playIns: new Int32Array(0), rounds: bracketRounds(slots), firstFour: false };
}

/** log2 of the bracket size; throws unless the bracket has a power-of-two number of slots (≥ 2). */
export function bracketRounds(bracket: ArrayLike<number>): number {
  const size = bracket.length;
  if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`a bracket needs a power-of-two number of slots ≥ 2, got ${size}`);
  return Math.log2(size);
}

/** Seed 003's byes: 1 for a team that skips the First Four of a field that has one, else 0. Games won = progress − byes. */
export function byeOf(shape: FieldShape, team: Pick<Team, 'playIn'>): number {
  return shape.firstFour && !team.playIn ? 1 : 0;
}
