// A believable tournament and auction from a seed, for demos, tests and benchmarks: 64 teams (or 68
// with a First Four) whose ratings fall with seed, ~20 entries whose bids add up to the prior market
// shares with noise, and a few past seasons of games and auctions to fit models on. Same seed, same data.
import { hashSeed, seededRandom, type Random } from '../random.ts';
import { REGION_SEED_ORDER } from './bracket.ts';
import { DEFAULT_GAME_MODEL, winProbability, type HistoricalGame } from './game-model.ts';
import { marketSharePrior } from './market.ts';
import { DEFAULT_PAYOUTS } from './scoring.ts';
import type { Bid, Calcutta, Team } from './types.ts';

export const SAMPLE_REGIONS = ['East', 'West', 'South', 'Midwest'] as const;

const SCHOOLS = [
  'Duke',
  'Houston',
  'Purdue',
  'Connecticut',
  'Kansas',
  'Arizona',
  'North Carolina',
  'Tennessee',
  'Alabama',
  'Auburn',
  'Gonzaga',
  'Baylor',
  'Kentucky',
  'Marquette',
  'Iowa State',
  'Creighton',
  'Illinois',
  'Wisconsin',
  'Michigan State',
  'Texas Tech',
  "Saint Mary's",
  'Clemson',
  'BYU',
  'San Diego State',
  'Florida',
  'Texas A&M',
  'Mississippi State',
  'Nebraska',
  'Utah State',
  'Dayton',
  'Florida Atlantic',
  'Northwestern',
  'TCU',
  'Colorado',
  'Texas',
  'Boise State',
  'Washington State',
  'Virginia',
  'New Mexico',
  'Drake',
  'Nevada',
  'Oregon',
  'Grand Canyon',
  'James Madison',
  'McNeese',
  'Samford',
  'Yale',
  'Vermont',
  'Charleston',
  'Akron',
  'Oakland',
  'Colgate',
  'Morehead State',
  'Longwood',
  'Western Kentucky',
  'South Dakota State',
  'Stetson',
  'Montana State',
  'Howard',
  'Wagner',
  'Grambling',
  "Saint Peter's",
  'Long Beach State',
  'Fairleigh Dickinson',
  'Memphis',
  'Xavier',
  'Villanova',
  'UCLA',
  'Indiana',
  'Ohio State',
  'Arkansas',
  'Miami',
];

/**
 * The second team of each First Four pair in a 68-team sample: real names with a comma, an
 * apostrophe, an ampersand and an accent, so that every path from landing file to dashboard carries them.
 */
const PLAY_IN_SCHOOLS = ['Maryland, Baltimore County', "Mount St. Mary's", 'Texas A&M–Corpus Christi', 'San José State'];

const ENTRY_NAMES = [
  'avery',
  'blake',
  'casey',
  'devon',
  'emerson',
  'finley',
  'gray',
  'harper',
  'indigo',
  'jordan',
  'kendall',
  'logan',
  'morgan',
  'noel',
  'oakley',
  'parker',
  'quinn',
  'reese',
  'sawyer',
  'taylor',
  'usher',
  'val',
  'wren',
  'xen',
  'yael',
  'zion',
];

export interface SampleAuction {
  year: number;
  teams: Team[];
  bids: Bid[];
}

export interface SampleTournament {
  tournament: { key: string; name: string; year: number };
  teams: Team[];
  calcutta: Calcutta & { key: string; name: string };
  entries: string[];
  bids: Bid[];
  /** Regular-season-like games drawn from DEFAULT_GAME_MODEL, to fit a game model on. */
  historicalGames: HistoricalGame[];
  /** Earlier seasons' fields and auctions, generated the same way, to train a market model on. */
  historicalAuctions: SampleAuction[];
}

export interface SampleOptions {
  year?: number;
  entries?: number;
  historicalGames?: number;
  historicalYears?: number;
  /** 68 teams: four First Four pairs, two at the 16 line and two at the 11 line (default false: 64 teams). */
  firstFour?: boolean;
}

export function sampleTournament(seed = 2026, options: SampleOptions = {}): SampleTournament {
  const year = options.year ?? (seed >= 1985 && seed <= 2100 ? seed : 2026);
  const entryCount = Math.min(options.entries ?? 20, ENTRY_NAMES.length);
  const calcutta = {
    key: `calcutta-${year}`,
    name: `Office Calcutta ${year}`,
    budgetPerEntry: 100,
    minBid: 1,
    maxTeamsPerEntry: 10,
    payouts: DEFAULT_PAYOUTS.map((r) => ({ ...r })),
  };
  const entries = ENTRY_NAMES.slice(0, entryCount);
  const rng = seededRandom(hashSeed(`tournament:${seed}`));
  const firstFour = options.firstFour ?? false;
  const teams = sampleField(rng, firstFour);
  const bids = sampleAuction(seededRandom(hashSeed(`auction:${seed}`)), teams, calcutta, entries);

  const gamesRng = seededRandom(hashSeed(`games:${seed}`));
  const historicalGames: HistoricalGame[] = Array.from({ length: options.historicalGames ?? 400 }, () => {
    const ratingA = 8 + 10 * gamesRng.normal();
    const ratingB = 8 + 10 * gamesRng.normal();
    return { ratingA, ratingB, aWon: gamesRng.next() < winProbability(DEFAULT_GAME_MODEL, ratingA, ratingB) };
  });
  const historicalAuctions = Array.from({ length: options.historicalYears ?? 3 }, (_, i) => {
    const past = year - 1 - i;
    const fieldRng = seededRandom(hashSeed(`tournament:${seed}:${past}`));
    const pastTeams = sampleField(fieldRng, firstFour);
    return { year: past, teams: pastTeams, bids: sampleAuction(seededRandom(hashSeed(`auction:${seed}:${past}`)), pastTeams, calcutta, entries) };
  });
  return {
    tournament: { key: `ncaa-tournament-${year}`, name: `NCAA Tournament ${year}`, year },
    teams,
    calcutta,
    entries,
    bids,
    historicalGames,
    historicalAuctions,
  };
}

/**
 * 64 schools; SCHOOLS is listed roughly strongest first, so schools are ordered by list position plus
 * noise to keep perennial 1 seeds near the top. Ratings fall about 2.1 points per seed line from +27
 * for a 1 seed, with 2.5 points of noise. With a First Four, a PLAY_IN_SCHOOLS team joins the 16 seed
 * of two regions and the 11 seed of the other two, both marked as play-in teams.
 */
function sampleField(rng: Random, firstFour = false): Team[] {
  const schools = SCHOOLS.map((name, i) => ({ name, at: i + 8 * rng.normal() }))
    .sort((a, b) => a.at - b.at)
    .slice(0, 64);
  const byLine = Array.from({ length: 16 }, (_, line) =>
    shuffle(
      rng,
      schools.slice(4 * line, 4 * line + 4).map((s) => s.name),
    ),
  );
  const pairs = new Map<string, string>();
  if (firstFour) {
    const regions = shuffle(rng, SAMPLE_REGIONS);
    regions.forEach((region, i) => pairs.set(`${region}|${i < 2 ? 16 : 11}`, PLAY_IN_SCHOOLS[i]));
  }
  const teams: Team[] = [];
  for (const region of SAMPLE_REGIONS) {
    for (const seed of [...REGION_SEED_ORDER].sort((a, b) => a - b)) {
      const name = byLine[seed - 1][SAMPLE_REGIONS.indexOf(region)];
      const rating = () => round1(27 - 2.1 * (seed - 1) + 2.5 * rng.normal());
      const partner = pairs.get(`${region}|${seed}`);
      if (partner === undefined) teams.push({ key: slug(name), name, region, seed, rating: rating() });
      else
        teams.push(
          { key: slug(name), name, region, seed, rating: rating(), playIn: true },
          { key: slug(partner), name: partner, region, seed, rating: rating(), playIn: true },
        );
    }
  }
  return teams;
}

/**
 * Team totals first (prior share × pool × log-normal noise), then each total is split among one
 * to three entries that still have budget, so team totals follow the market and no entry overspends.
 */
function sampleAuction(rng: Random, teams: readonly Team[], calcutta: Calcutta, entries: readonly string[]): Bid[] {
  const prior = marketSharePrior(teams);
  const remaining = entries.map(() => Math.floor(calcutta.budgetPerEntry * rng.between(0.9, 1.0001)));
  const pool = remaining.reduce((a, b) => a + b, 0);
  const noisy = Array.from(prior, (s) => s * Math.exp(0.25 * rng.normal()));
  const scale = pool / noisy.reduce((a, b) => a + b, 0);
  const order = teams.map((_, i) => i).sort((a, b) => noisy[b] - noisy[a]);
  const teamsLeft = entries.map(() => calcutta.maxTeamsPerEntry ?? teams.length);
  const bids: Bid[] = [];
  for (const t of order) {
    const total = Math.max(calcutta.minBid, Math.round(noisy[t] * scale));
    const owners = total >= 60 ? 3 : total >= 20 ? 2 : 1;
    const cuts = Array.from({ length: owners }, () => rng.between(0.5, 1.5));
    const cutTotal = cuts.reduce((a, b) => a + b, 0);
    const taken = new Set<number>();
    for (const cut of cuts) {
      const want = Math.max(calcutta.minBid, Math.round((total * cut) / cutTotal));
      const e = pickEntry(rng, remaining, teamsLeft, taken, calcutta.minBid);
      if (e < 0) break;
      const amount = Math.min(want, remaining[e]);
      remaining[e] -= amount;
      teamsLeft[e]--;
      taken.add(e);
      bids.push({ entry: entries[e], team: teams[t].key, amount });
    }
  }
  return bids;
}

/** An entry with at least minBid and a team slot left that has not bid on this team, weighted by what it has left; −1 if none. */
function pickEntry(rng: Random, remaining: readonly number[], teamsLeft: readonly number[], taken: ReadonlySet<number>, minBid: number): number {
  const weights = remaining.map((r, e) => (r >= minBid && teamsLeft[e] > 0 && !taken.has(e) ? r : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return -1;
  let u = rng.next() * total;
  for (let e = 0; e < weights.length; e++) if ((u -= weights[e]) < 0 && weights[e] > 0) return e;
  return weights.findLastIndex((w) => w > 0);
}

function shuffle<T>(rng: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const slug = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const round1 = (x: number) => Math.round(x * 10) / 10;
