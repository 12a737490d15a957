// Landing files of a tournament (CSV, one folder per tournament) parsed and checked before anything
// reaches bronze. A file with any bad row is rejected whole, with every problem named by file, line
// (1 = the header), column and reason. Cross-file rules (a 64- or 68-team field, see bracket.ts; bids
// on known teams within budget, payout shares summing to 1) reject the file holding the bad rows.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { fieldProblems } from './bracket.ts';

export interface Problem {
  file: string;
  line: number | null;
  column: string | null;
  reason: string;
}

const key = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lower-case letters, digits, ".", "_" or "-"');
const text = z.string().min(1, 'is empty').max(200, 'is longer than 200 characters');
// Decimal numbers only: Number() would also take "", "0x1f" and "Infinity".
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const num = z.string().regex(DECIMAL, 'must be a number').transform(Number).refine(Number.isFinite, 'must be a finite number');
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^[-+]?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const bool = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');
// An optional flag: empty (or a missing column) is false.
const flag = z.enum(['', 'true', 'false', '1', '0'], { error: 'must be true, false or empty' }).transform((v) => v === 'true' || v === '1');

export const LANDING_FILES = {
  'tournament.csv': { required: true, columns: { tournament_key: key, name: text, year: int(1900, 2200) } },
  'teams.csv': { required: true, columns: { team_key: key, name: text, region: text, seed: int(1, 16), rating: num, play_in: flag }, optional: ['play_in'] },
  'calcutta.csv': {
    required: true,
    columns: {
      calcutta_key: key,
      name: text,
      budget_per_entry: num.refine((v) => v > 0, 'must be positive'),
      min_bid: num.refine((v) => v >= 0, 'must not be negative'),
      max_teams_per_entry: z.union([z.literal('').transform(() => null), int(1, 64)]),
    },
  },
  'payouts.csv': { required: true, columns: { wins: int(1, 6), share: num.refine((v) => v >= 0, 'must not be negative') } },
  'bids.csv': { required: true, columns: { entry: key, team_key: key, amount: num.refine((v) => v >= 0, 'must not be negative') } },
  'historical_games.csv': { required: false, columns: { season: int(1900, 2200), rating_a: num, rating_b: num, a_won: bool } },
  'historical_auctions.csv': {
    required: false,
    columns: {
      season: int(1900, 2200),
      team_key: key,
      region: text,
      seed: int(1, 16),
      rating: num,
      amount: num.refine((v) => v >= 0, 'must not be negative'),
      play_in: flag,
    },
    optional: ['play_in'],
  },
} as const;

export type LandingKind = keyof typeof LANDING_FILES;
type Columns<K extends LandingKind> = (typeof LANDING_FILES)[K]['columns'];
export type LandingRow<K extends LandingKind> = { [C in keyof Columns<K>]: z.output<Columns<K>[C]> } & { line: number };

export interface ParsedFile<K extends LandingKind = LandingKind> {
  file: K;
  rows: LandingRow<K>[];
  problems: Problem[];
}

export function isLandingKind(name: string): name is LandingKind {
  return Object.hasOwn(LANDING_FILES, name);
}

/** Parses one file's text: header, shape and every field. */
export function parseLandingFile<K extends LandingKind>(file: K, content: string): ParsedFile<K> {
  const spec = LANDING_FILES[file].columns as Record<string, z.ZodType>;
  const optional: readonly string[] = 'optional' in LANDING_FILES[file] ? LANDING_FILES[file].optional : [];
  const expected = Object.keys(spec);
  const problems: Problem[] = [];
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { file, rows: [], problems: [{ file, line: err.lines ?? null, column: null, reason: `not valid CSV: ${err.message}` }] };
  }
  if (!records.length) return { file, rows: [], problems: [{ file, line: 1, column: null, reason: `is empty; expected a header: ${expected.join(',')}` }] };
  const header = records[0];
  const missing = expected.filter((c) => !header.includes(c) && !optional.includes(c));
  const unknown = header.filter((c) => !expected.includes(c));
  if (missing.length || unknown.length) {
    for (const c of missing) problems.push({ file, line: 1, column: c, reason: 'column is missing from the header' });
    for (const c of unknown) {
      const also = optional.length ? `, optionally ${optional.join(', ')}` : '';
      problems.push({
        file,
        line: 1,
        column: c,
        reason: `is not a column of ${file} (expected ${expected.filter((x) => !optional.includes(x)).join(', ')}${also})`,
      });
    }
    return { file, rows: [], problems };
  }
  const rows: LandingRow<K>[] = [];
  for (let r = 1; r < records.length; r++) {
    const line = r + 1;
    const record = records[r];
    if (record.length !== header.length) {
      problems.push({ file, line, column: null, reason: `has ${record.length} fields, the header has ${header.length}` });
      continue;
    }
    const row: Record<string, unknown> = { line };
    for (const column of expected) {
      const at = header.indexOf(column);
      const raw = at < 0 ? '' : record[at];
      const parsed = spec[column].safeParse(raw);
      if (parsed.success) row[column] = parsed.data;
      else problems.push({ file, line, column, reason: `${JSON.stringify(raw)} ${parsed.error.issues[0]?.message ?? 'is invalid'}` });
    }
    rows.push(row as LandingRow<K>);
  }
  if (rows.length === 0 && !problems.length) problems.push({ file, line: null, column: null, reason: 'has a header but no rows' });
  return { file, rows, problems };
}

/**
 * Cross-file rules for one tournament folder. Adds problems to the files that break them; a file
 * that depends on a rejected one (bids on rejected teams) is rejected too, saying why.
 */
export function checkTournamentFiles(tournamentKey: string, files: Partial<{ [K in LandingKind]: ParsedFile<K> }>): void {
  const add = (f: ParsedFile | undefined, p: Omit<Problem, 'file'>) => f && f.problems.push({ file: f.file, ...p });
  const tournament = files['tournament.csv'];
  if (tournament && !tournament.problems.length) {
    if (tournament.rows.length !== 1)
      add(tournament, { line: null, column: null, reason: `must hold exactly one tournament, holds ${tournament.rows.length}` });
    else if (tournament.rows[0].tournament_key !== tournamentKey) {
      add(tournament, { line: 2, column: 'tournament_key', reason: `is "${tournament.rows[0].tournament_key}" but the folder is "${tournamentKey}"` });
    }
  }
  const calcutta = files['calcutta.csv'];
  if (calcutta && !calcutta.problems.length && calcutta.rows.length !== 1)
    add(calcutta, { line: null, column: null, reason: `must hold exactly one calcutta, holds ${calcutta.rows.length}` });

  const teams = files['teams.csv'];
  if (teams && !teams.problems.length) checkField(teams, add);

  const payouts = files['payouts.csv'];
  if (payouts && !payouts.problems.length) {
    const seen = new Map<number, number>();
    for (const r of payouts.rows) {
      if (seen.has(r.wins)) add(payouts, { line: r.line, column: 'wins', reason: `${r.wins} is listed twice (also line ${seen.get(r.wins)})` });
      seen.set(r.wins, r.line);
    }
    // A share is paid to every team reaching that many wins: 32 teams win once, 16 twice, … 1 six times.
    const total = payouts.rows.reduce((s, r) => s + r.share * 2 ** (6 - r.wins), 0);
    if (Math.abs(total - 1) > 1e-9) {
      add(payouts, {
        line: null,
        column: 'share',
        reason: `shares pay out ${+total.toFixed(12)} of the pool (each share × the teams reaching that round); they must sum to 1`,
      });
    }
  }

  const auctions = files['historical_auctions.csv'];
  if (auctions && !auctions.problems.length) {
    const seen = new Map<string, number>();
    for (const r of auctions.rows) {
      const k = `${r.season}|${r.team_key}`;
      if (seen.has(k)) add(auctions, { line: r.line, column: 'team_key', reason: `season ${r.season} already lists "${r.team_key}" (line ${seen.get(k)})` });
      seen.set(k, r.line);
    }
  }

  const bids = files['bids.csv'];
  if (bids && !bids.problems.length) {
    if (!teams || teams.problems.length) add(bids, { line: null, column: 'team_key', reason: 'cannot be checked: teams.csv is missing or was rejected' });
    else {
      const known = new Set(teams.rows.map((t) => t.team_key));
      const seen = new Map<string, number>();
      for (const b of bids.rows) {
        if (!known.has(b.team_key)) add(bids, { line: b.line, column: 'team_key', reason: `"${b.team_key}" is not a team in teams.csv` });
        const pair = `${b.entry}|${b.team_key}`;
        if (seen.has(pair))
          add(bids, { line: b.line, column: 'team_key', reason: `entry "${b.entry}" already bid on "${b.team_key}" (line ${seen.get(pair)})` });
        seen.set(pair, b.line);
      }
    }
    const rules = calcutta && !calcutta.problems.length ? calcutta.rows[0] : undefined;
    if (rules) {
      const spent = new Map<string, { total: number; teams: number; last: number }>();
      for (const b of bids.rows) {
        if (b.amount > 0 && b.amount < rules.min_bid)
          add(bids, { line: b.line, column: 'amount', reason: `${b.amount} is below the minimum bid ${rules.min_bid}` });
        const s = spent.get(b.entry) ?? { total: 0, teams: 0, last: b.line };
        spent.set(b.entry, { total: s.total + b.amount, teams: s.teams + (b.amount > 0 ? 1 : 0), last: b.line });
      }
      for (const [entry, s] of spent) {
        if (s.total > rules.budget_per_entry + 1e-9)
          add(bids, { line: s.last, column: 'amount', reason: `entry "${entry}" bids ${s.total} in total, over the budget of ${rules.budget_per_entry}` });
        if (rules.max_teams_per_entry && s.teams > rules.max_teams_per_entry) {
          add(bids, { line: s.last, column: 'team_key', reason: `entry "${entry}" bids on ${s.teams} teams, more than ${rules.max_teams_per_entry}` });
        }
      }
    } else add(bids, { line: null, column: 'amount', reason: 'cannot be checked: calcutta.csv is missing or was rejected' });
  }
}

/** The field rules of bracket.ts (64 teams, or 68 with four First Four pairs), each problem at its line in teams.csv. */
function checkField(teams: ParsedFile<'teams.csv'>, add: (f: ParsedFile, p: Omit<Problem, 'file'>) => void): void {
  const field = teams.rows.map((r) => ({ key: r.team_key, name: r.name, region: r.region, seed: r.seed, rating: r.rating, playIn: r.play_in }));
  for (const p of fieldProblems(field)) add(teams, { line: p.team === null ? null : teams.rows[p.team].line, column: p.column, reason: p.reason });
}

/** Renders rejected files' problems, one line each: "teams.csv:14 seed: "17" must be at most 16". */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file}${p.line === null ? '' : `:${p.line}`}${p.column ? ` ${p.column}` : ''}: ${p.reason}`).join('\n');
}
