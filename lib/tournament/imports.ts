// Seed 003's existing outputs as Parquet files, for `refinery tournament import`: simulated
// tournaments (bronze, seed 003's columns sim_id, team_key, wins, byes, eliminated) and a report of
// an optimisation run (recommended bids and entry performance, gold). Each file is checked value by
// value (parquet.ts) and against the tournament it belongs to, as landing files are: a file with any
// problem is rejected whole, each problem located by row and column.
import { byeOf, progressWidth, type Bracket } from './bracket.ts';
import type { Problem } from './landing.ts';
import type { FileSpec, ParquetTable } from './parquet.ts';
import type { Team } from './types.ts';

const KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const key = (v: string) => (KEY.test(v) ? undefined : 'must be 1-64 lower-case letters, digits, ".", "_" or "-"');
const share = (v: number) => (v >= 0 && v <= 1 ? undefined : 'must lie in 0..1');
const notNegative = (v: number) => (v >= 0 ? undefined : 'must not be negative');

export const IMPORT_FILES = {
  simulations: {
    names: ['simulations.parquet', 'simulated_tournaments.parquet'],
    spec: {
      sim_id: { kind: 'int', check: notNegative },
      team_key: { kind: 'string', check: key },
      wins: { kind: 'int', check: notNegative },
      byes: { kind: 'int', check: (v: number) => (v === 0 || v === 1 ? undefined : 'must be 0 or 1') },
      eliminated: { kind: 'bool' },
    },
  },
  recommendedBids: {
    names: ['recommended_entry_bids.parquet'],
    spec: { team_key: { kind: 'string', check: key }, bid_amount: { kind: 'float', check: (v: number) => (v > 0 ? undefined : 'must be positive') } },
  },
  entryPerformance: {
    names: ['entry_performance.parquet'],
    spec: {
      entry_key: { kind: 'string', check: key },
      mean_normalized_payout: { kind: 'float', check: notNegative },
      mean_payout: { kind: 'float', check: notNegative },
      p_top1: { kind: 'float', check: share },
      percentile_rank: { kind: 'float', check: share },
      mean_rank: { kind: 'float', optional: true, check: (v: number) => (v >= 1 ? undefined : 'must be at least 1') },
    },
  },
} as const satisfies Record<string, { names: string[]; spec: FileSpec }>;

export type ImportKind = keyof typeof IMPORT_FILES;

/** The kind of an import file by its name, or undefined. */
export function importKind(name: string): ImportKind | undefined {
  const base = name.split(/[\\/]/).pop()!.toLowerCase();
  return (Object.keys(IMPORT_FILES) as ImportKind[]).find((k) => (IMPORT_FILES[k].names as readonly string[]).includes(base));
}

/**
 * Simulations against the field: every team known, with the byes the bracket gives it, wins it could
 * have, each simulation 0..N−1 holding every team once, one champion (the one team not eliminated)
 * and every game of the bracket won once. Returns the bronze rows when there is no problem.
 */
export function checkSimulations(
  table: ParquetTable,
  teams: readonly Team[],
  bracket: Bracket,
  tournament: string,
): { problems: Problem[]; simulations: number; rows: unknown[][] } {
  const problems: Problem[] = [];
  const add = (line: number | null, column: string | null, reason: string) =>
    problems.length < 200 && problems.push({ file: table.file, line, column, reason });
  const n = teams.length;
  const index = new Map(teams.map((t, i) => [t.key, i]));
  const shift = bracket.firstFour ? 1 : 0;
  const top = progressWidth(bracket) - 1;
  const games = bracket.slots.length - 1 + bracket.playIns.length / 3;
  const c = table.columns as { sim_id: number[]; team_key: string[]; wins: number[]; byes: number[]; eliminated: boolean[] };
  let simulations = 0;
  for (const sim of c.sim_id) if (sim >= simulations) simulations = sim + 1;
  if (table.rows !== simulations * n) add(null, 'sim_id', `holds ${table.rows} rows for simulations 0..${simulations - 1}; ${n} teams need ${simulations * n}`);
  const seen = new Uint8Array(problems.length ? 0 : simulations * n);
  const won = new Int32Array(simulations);
  const champions = new Int32Array(simulations);
  for (let r = 0; r < table.rows && seen.length; r++) {
    const t = index.get(c.team_key[r]);
    const line = r + 1;
    if (t === undefined) {
      add(line, 'team_key', `"${c.team_key[r]}" is not a team of ${tournament}`);
      continue;
    }
    const at = c.sim_id[r] * n + t;
    if (seen[at]) add(line, 'team_key', `simulation ${c.sim_id[r]} already lists "${c.team_key[r]}"`);
    seen[at] = 1;
    const byes = byeOf(bracket, teams[t]);
    if (c.byes[r] !== byes) add(line, 'byes', `${c.byes[r]}: "${c.team_key[r]}" ${byes ? 'skips the First Four' : 'has no bye'}, so byes is ${byes}`);
    const progress = c.wins[r] + byes;
    if (progress > top) add(line, 'wins', `${c.wins[r]} is more than a team can win (${top - byes})`);
    const champion = progress === top;
    if (c.eliminated[r] === champion) add(line, 'eliminated', `is ${c.eliminated[r]} for a team with ${c.wins[r]} wins; only the champion is not eliminated`);
    won[c.sim_id[r]] += c.wins[r];
    if (champion) champions[c.sim_id[r]]++;
  }
  if (!problems.length) {
    for (let s = 0; s < simulations; s++) {
      if (champions[s] !== 1) add(null, 'wins', `simulation ${s} has ${champions[s]} champions`);
      else if (won[s] !== games) add(null, 'wins', `simulation ${s} has ${won[s]} wins in all; its ${games} games have one winner each`);
    }
  }
  if (problems.length) return { problems, simulations, rows: [] };
  const rows = c.sim_id.map((sim, r) => {
    const t = index.get(c.team_key[r])!;
    const progress = c.wins[r] + byeOf(bracket, teams[t]);
    return [tournament, sim, c.team_key[r], c.wins[r], c.byes[r], progress + 1 - shift];
  });
  return { problems, simulations, rows };
}

export interface ReportContext {
  teams: readonly Team[];
  /** The auction's entries and what each spent (bids.csv). */
  spend: Map<string, number>;
  ours: string;
  budget: number;
  minBid: number;
  maxTeams?: number;
}

/** Recommended bids within the Calcutta's rules, on known teams, each team once. */
export function checkRecommendedBids(table: ParquetTable, ctx: ReportContext): Problem[] {
  const problems: Problem[] = [];
  const c = table.columns as { team_key: string[]; bid_amount: number[] };
  const known = new Set(ctx.teams.map((t) => t.key));
  const seen = new Map<string, number>();
  for (let r = 0; r < table.rows; r++) {
    const line = r + 1;
    if (!known.has(c.team_key[r])) problems.push({ file: table.file, line, column: 'team_key', reason: `"${c.team_key[r]}" is not a team of the tournament` });
    if (seen.has(c.team_key[r]))
      problems.push({ file: table.file, line, column: 'team_key', reason: `"${c.team_key[r]}" is listed twice (also row ${seen.get(c.team_key[r])})` });
    seen.set(c.team_key[r], line);
    if (c.bid_amount[r] < ctx.minBid)
      problems.push({ file: table.file, line, column: 'bid_amount', reason: `${c.bid_amount[r]} is below the minimum bid ${ctx.minBid}` });
  }
  const total = c.bid_amount.reduce((a, b) => a + b, 0);
  if (total > ctx.budget + 1e-9)
    problems.push({ file: table.file, line: null, column: 'bid_amount', reason: `bids ${total} in total, over the budget of ${ctx.budget}` });
  if (ctx.maxTeams !== undefined && table.rows > ctx.maxTeams) {
    problems.push({ file: table.file, line: null, column: 'team_key', reason: `bids on ${table.rows} teams, more than ${ctx.maxTeams}` });
  }
  if (!table.rows) problems.push({ file: table.file, line: null, column: null, reason: 'holds no bids' });
  return problems;
}

/** Entry performance: every entry of the auction (and ours) once, P(first) adding up to 1. */
export function checkEntryPerformance(table: ParquetTable, ctx: ReportContext): Problem[] {
  const problems: Problem[] = [];
  const c = table.columns as { entry_key: string[]; p_top1: number[] };
  const seen = new Map<string, number>();
  for (let r = 0; r < table.rows; r++) {
    const line = r + 1;
    const entry = c.entry_key[r];
    if (entry !== ctx.ours && !ctx.spend.has(entry))
      problems.push({ file: table.file, line, column: 'entry_key', reason: `"${entry}" is neither ${ctx.ours} nor an entry in bids.csv` });
    if (seen.has(entry)) problems.push({ file: table.file, line, column: 'entry_key', reason: `"${entry}" is listed twice (also row ${seen.get(entry)})` });
    seen.set(entry, line);
  }
  if (!seen.has(ctx.ours))
    problems.push({ file: table.file, line: null, column: 'entry_key', reason: `has no row for our entry "${ctx.ours}" (choose it with --entry)` });
  const first = c.p_top1.reduce((a, b) => a + b, 0);
  if (table.rows && Math.abs(first - 1) > 1e-6)
    problems.push({
      file: table.file,
      line: null,
      column: 'p_top1',
      reason: `adds up to ${+first.toFixed(9)}; one entry finishes first, so it must add up to 1`,
    });
  return problems;
}
