import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTournamentFiles, formatProblems, parseLandingFile, type LandingKind, type ParsedFile } from '../../../lib/tournament/landing.ts';
import { sampleLandingFiles } from '../../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';

const sample = sampleTournament(2026);
const good = sampleLandingFiles(sample);

function checkAll(files: Partial<Record<LandingKind, string>>) {
  const parsed: Partial<Record<LandingKind, ParsedFile>> = {};
  for (const [name, text] of Object.entries(files) as [LandingKind, string][]) parsed[name] = parseLandingFile(name, text);
  checkTournamentFiles(sample.tournament.key, parsed as never);
  return parsed;
}

describe('landing files', () => {
  it('accepts the sample tournament, every row parsed with its line', () => {
    const parsed = checkAll(good);
    for (const p of Object.values(parsed)) expect(formatProblems(p.problems)).toBe('');
    expect(parsed['teams.csv']!.rows).toHaveLength(64);
    expect(parsed['teams.csv']!.rows[0]).toMatchObject({ line: 2, team_key: sample.teams[0].key, seed: sample.teams[0].seed, rating: sample.teams[0].rating });
    expect(parsed['bids.csv']!.rows).toHaveLength(sample.bids.length);
    const games = parsed['historical_games.csv'] as ParsedFile<'historical_games.csv'>;
    expect(games.rows.map((r) => r.a_won)).toEqual(sample.historicalGames.map((g) => g.aWon));
  });

  it('names file, line, column and reason for bad fields', () => {
    const text = 'team_key,name,region,seed,rating\nduke,Duke,East,17,20\nUNC,Carolina,East,2,abc\n';
    const { problems } = parseLandingFile('teams.csv', text);
    expect(problems).toEqual([
      { file: 'teams.csv', line: 2, column: 'seed', reason: '"17" must be at most 16' },
      { file: 'teams.csv', line: 3, column: 'team_key', reason: '"UNC" must be 1-64 lower-case letters, digits, ".", "_" or "-"' },
      { file: 'teams.csv', line: 3, column: 'rating', reason: '"abc" must be a number' },
    ]);
    const blanks = parseLandingFile('teams.csv', 'team_key,name,region,seed,rating\nduke,Duke,East,,0x10\n').problems.map((p) => `${p.column}: ${p.reason}`);
    expect(blanks).toEqual(['seed: "" must be a whole number', 'rating: "0x10" must be a number']);
  });

  it('rejects a header with missing or unknown columns, and ragged rows', () => {
    expect(parseLandingFile('payouts.csv', 'wins,shares\n1,0.5\n').problems.map((p) => `${p.line} ${p.column} ${p.reason}`)).toEqual([
      '1 share column is missing from the header',
      '1 shares is not a column of payouts.csv (expected wins, share)',
    ]);
    expect(parseLandingFile('payouts.csv', 'wins,share\n1,0.5,9\n').problems[0]).toMatchObject({ line: 2, reason: 'has 3 fields, the header has 2' });
    expect(parseLandingFile('payouts.csv', '').problems[0].reason).toContain('is empty');
  });

  it('checks the field: 64 teams, 4 regions, seeds 1–16 once each', () => {
    const lines = good['teams.csv'].trim().split('\n');
    const threeRegions = checkAll({ ...good, 'teams.csv': good['teams.csv'].replaceAll(',Midwest,', ',East,') });
    const reasons = threeRegions['teams.csv']!.problems.map((p) => p.reason);
    expect(reasons).toContain('the field has 3 regions (East, West, South); a bracket needs 4');
    expect(reasons.filter((r) => r.startsWith('region East already has a'))).toHaveLength(16);
    const missing = checkAll({ ...good, 'teams.csv': lines.slice(0, -1).join('\n') });
    expect(missing['teams.csv']!.problems.map((p) => p.reason)).toEqual([
      'region Midwest has no 16 seed',
      'the field has 63 teams; supported fields have 64, or 68 with 4 First Four pairs',
    ]);
    // Bids on a rejected field cannot be checked, so they are rejected too, saying why.
    expect(missing['bids.csv']!.problems[0].reason).toBe('cannot be checked: teams.csv is missing or was rejected');
  });

  it('checks bids against the teams and the calcutta rules', () => {
    const header = 'entry,team_key,amount\n';
    const bad = checkAll({
      ...good,
      'bids.csv': `${header}ann,nobody,5\nann,${sample.teams[0].key},0.5\nbob,${sample.teams[1].key},60\nbob,${sample.teams[2].key},50\nbob,${sample.teams[1].key},1\n`,
    });
    expect(bad['bids.csv']!.problems.map((p) => `${p.line} ${p.column}: ${p.reason}`)).toEqual([
      '2 team_key: "nobody" is not a team in teams.csv',
      `6 team_key: entry "bob" already bid on "${sample.teams[1].key}" (line 4)`,
      '3 amount: 0.5 is below the minimum bid 1',
      '6 amount: entry "bob" bids 111 in total, over the budget of 100',
    ]);
  });

  it('rejects a team listed twice in one season of past auctions', () => {
    const lines = good['historical_auctions.csv'].trim().split('\n');
    const p = checkAll({ ...good, 'historical_auctions.csv': [...lines, lines[5]].join('\n') });
    expect(p['historical_auctions.csv']!.problems.map((x) => `${x.line} ${x.column}: ${x.reason}`)).toEqual([
      `${lines.length + 1} team_key: season ${lines[5].split(',')[0]} already lists "${lines[5].split(',')[1]}" (line 6)`,
    ]);
  });

  it('checks payouts pay out exactly the pool', () => {
    const p = checkAll({ ...good, 'payouts.csv': good['payouts.csv'].replace('6,0.12', '6,0.2') });
    expect(formatProblems(p['payouts.csv']!.problems)).toBe(
      'payouts.csv share: shares pay out 1.08 of the pool (each share × the teams reaching that round); they must sum to 1',
    );
  });

  it('never throws on arbitrary bytes: every file is either fully parsed or rejected with located problems', () => {
    const kinds = Object.keys(good) as LandingKind[];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string({ unit: 'binary', maxLength: 400 }), fc.nat(), (kind, noise, at) => {
        const base = good[kind];
        const i = at % (base.length + 1);
        const text = base.slice(0, i) + noise + base.slice(i + noise.length);
        const parsed = parseLandingFile(kind, text);
        for (const p of parsed.problems) {
          expect(p.file).toBe(kind);
          expect(p.reason.length).toBeGreaterThan(0);
        }
        if (!parsed.problems.length) expect(parsed.rows.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('landing a 68-team field', () => {
  const ff = sampleTournament(2026, { firstFour: true });
  const files = sampleLandingFiles(ff);
  const check = (teams: string) => {
    const parsed = { 'tournament.csv': parseLandingFile('tournament.csv', files['tournament.csv']), 'teams.csv': parseLandingFile('teams.csv', teams) };
    checkTournamentFiles(ff.tournament.key, parsed as never);
    return parsed['teams.csv'];
  };

  it('reads the play_in column, and real names with commas, apostrophes, ampersands and accents as written', () => {
    const teams = check(files['teams.csv']);
    expect(formatProblems(teams.problems)).toBe('');
    expect(teams.rows).toHaveLength(68);
    expect(teams.rows.filter((r) => r.play_in)).toHaveLength(8);
    expect(teams.rows.map((r) => r.name)).toEqual(ff.teams.map((t) => t.name));
    expect(teams.rows.map((r) => r.name)).toContain('Maryland, Baltimore County');
    expect(files['teams.csv']).toContain('"Maryland, Baltimore County"');
    // A 64-team file needs no play_in column; an empty flag is false.
    expect(parseLandingFile('teams.csv', 'team_key,name,region,seed,rating,play_in\nx,X,East,1,20,\n').rows[0].play_in).toBe(false);
  });

  it('refuses a 67-team field at the line of the team left without its First Four partner', () => {
    const lines = files['teams.csv'].trimEnd().split('\n');
    const first = lines.findIndex((l) => l.endsWith(',true'));
    const without = lines.filter((_, i) => i !== first);
    const teams = check(without.join('\n') + '\n');
    const lone = ff.teams[first]; // lines[first] is ff.teams[first - 1]; its partner follows it
    expect(lone.playIn).toBe(true);
    expect(formatProblems(teams.problems).split('\n')).toEqual([
      `teams.csv:${first + 1} play_in: "${lone.key}" is marked as a First Four team but is region ${lone.region}'s only ${lone.seed} seed: a play-in pair is two teams of one region and seed`,
      'teams.csv: the field has 67 teams; supported fields have 64, or 68 with 4 First Four pairs',
    ]);
  });

  it('refuses an unknown flag and a duplicate seed that is not marked as a pair, at their lines', () => {
    const lines = files['teams.csv'].trimEnd().split('\n');
    const at = lines.findIndex((l) => l.endsWith(',true'));
    const maybe = [...lines];
    maybe[at] = maybe[at].replace(/,true$/, ',maybe');
    expect(formatProblems(check(maybe.join('\n')).problems)).toBe(`teams.csv:${at + 1} play_in: "maybe" must be true, false or empty`);
    const unmarked = [...lines];
    unmarked[at] = unmarked[at].replace(/,true$/, ',false');
    expect(formatProblems(check(unmarked.join('\n')).problems)).toMatch(new RegExp(`^teams.csv:${at + 1} seed: region \\S+ already has a \\d+ seed`));
  });
});
