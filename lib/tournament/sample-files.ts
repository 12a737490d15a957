// The sample tournament as the landing files an operator would drop: the same CSV shapes the
// bronze loader reads (lib/tournament/landing.ts), so `npm start` exercises the real load path.
import { stringify } from 'csv-stringify/sync';
import type { LandingKind } from './landing.ts';
import type { SampleTournament } from './sample.ts';

export function sampleLandingFiles(s: SampleTournament): Record<LandingKind, string> {
  const csv = (rows: unknown[][], columns: string[]) => stringify(rows, { header: true, columns, cast: { boolean: (v) => String(v) } });
  // The optional play_in column only when the field has a First Four, so 64-team files stay as they were.
  const playIn = s.teams.some((t) => t.playIn);
  const flag = (t: { playIn?: boolean }) => (playIn ? [t.playIn ? 'true' : 'false'] : []);
  const playInColumn = playIn ? ['play_in'] : [];
  const historicalTotals = s.historicalAuctions.flatMap((a) =>
    a.teams.map((t) => [a.year, t.key, t.region, t.seed, t.rating, a.bids.filter((b) => b.team === t.key).reduce((sum, b) => sum + b.amount, 0), ...flag(t)]),
  );
  return {
    'tournament.csv': csv([[s.tournament.key, s.tournament.name, s.tournament.year]], ['tournament_key', 'name', 'year']),
    'teams.csv': csv(
      s.teams.map((t) => [t.key, t.name, t.region, t.seed, t.rating, ...flag(t)]),
      ['team_key', 'name', 'region', 'seed', 'rating', ...playInColumn],
    ),
    'calcutta.csv': csv(
      [[s.calcutta.key, s.calcutta.name, s.calcutta.budgetPerEntry, s.calcutta.minBid, s.calcutta.maxTeamsPerEntry ?? '']],
      ['calcutta_key', 'name', 'budget_per_entry', 'min_bid', 'max_teams_per_entry'],
    ),
    'payouts.csv': csv(
      s.calcutta.payouts.map((p) => [p.wins, p.share]),
      ['wins', 'share'],
    ),
    'bids.csv': csv(
      s.bids.map((b) => [b.entry, b.team, b.amount]),
      ['entry', 'team_key', 'amount'],
    ),
    'historical_games.csv': csv(
      s.historicalGames.map((g, i) => [s.tournament.year - 1 - (i % 5), g.ratingA, g.ratingB, g.aWon]),
      ['season', 'rating_a', 'rating_b', 'a_won'],
    ),
    'historical_auctions.csv': csv(historicalTotals, ['season', 'team_key', 'region', 'seed', 'rating', 'amount', ...playInColumn]),
  };
}
