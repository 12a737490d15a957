// Gold rows of the tournament pipeline written straight with SQL, for the read API's tests, the
// dashboard test and the rankings benchmark: two tournaments, their teams, optimisation runs with
// entry performance (ties included), simulated entry outcomes, recommended bids and an investment
// report. Everything is deterministic; the expectations are returned next to the ids.
import type { Pool } from '../../lib/db/pool.ts';

export const REGIONS = ['East', 'Midwest', 'South', 'West'];

export interface SeededTeam {
  teamKey: string;
  name: string;
  region: string;
  seed: number;
  rating: number;
  pAdvance: number[];
  valueShare: number;
  predictedShare: number;
}

export interface SeededEntry {
  entry: string;
  ours: boolean;
  meanNormalisedPayout: number;
  pFirst: number;
  meanPercentile: number;
}

export interface TournamentSeed {
  tournaments: { key: string; name: string; year: number }[];
  teams: SeededTeam[];
  /** Runs of the main tournament, oldest first, and one of the other tournament. */
  runIds: number[];
  otherRunId: number;
  /** Entries of runIds[0] (the main run) in ranking order. */
  entries: SeededEntry[];
  /** Simulated outcomes of the main run, per entry. */
  outcomes: Map<string, { payout: number; normalisedPayout: number; points: number; rank: number }[]>;
  report: { teamKey: string; bid: number; expectedPayout: number }[];
}

export const MAIN = 'ncaa-2025';
export const OURS = 'Refinery';

/** A small deterministic generator, so the rows are the same every run. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function seedTournamentGold(db: Pool, options: { entries?: number; simulations?: number } = {}): Promise<TournamentSeed> {
  const E = options.entries ?? 25;
  const S = options.simulations ?? 40;
  const rand = lcg(7);
  const tournaments = [
    { key: MAIN, name: 'NCAA 2025 <i>office</i> pool', year: 2025 },
    { key: 'ncaa-2024', name: 'NCAA 2024', year: 2024 },
  ];
  const calcutta = {
    key: 'office',
    name: 'Office calcutta',
    budgetPerEntry: 100,
    minBid: 1,
    maxTeamsPerEntry: null,
    payouts: { 1: 0.5, 2: 1, 3: 2.5, 4: 5, 5: 10, 6: 20 },
  };
  for (const t of tournaments) {
    await db.query(
      `INSERT INTO gold.tournaments (tournament_key, name, year, calcutta, teams, entries, pool, game_model, market_method, simulations)
       VALUES ($1, $2, $3, $4, 16, $5, $6, $7, 'ridge', 10000)`,
      [t.key, t.name, t.year, JSON.stringify(calcutta), E, E * 100, JSON.stringify({ kind: 'logistic', scale: 0.0921, fittedOn: 812 })],
    );
  }

  // 16 teams of the main tournament: seeds 1–4 in four regions.
  const teams: SeededTeam[] = [];
  for (const [r, region] of REGIONS.entries()) {
    for (let seed = 1; seed <= 4; seed++) {
      const strength = (5 - seed) / 4 + rand() * 0.2;
      const p: number[] = [];
      let q = Math.min(0.99, 0.45 + strength * 0.5);
      for (let k = 0; k < 6; k++) {
        p.push(Number(q.toFixed(4)));
        q *= 0.35 + strength * 0.4;
      }
      const teamKey = `${region.toLowerCase()}-${seed}`;
      teams.push({
        teamKey,
        name: seed === 4 && r === 0 ? "St. Mary's <b>Gaels</b>" : `${region} ${['Aces', 'Bears', 'Cats', 'Dukes'][seed - 1]}`,
        region,
        seed,
        rating: Number((1500 + strength * 300).toFixed(1)),
        pAdvance: p,
        valueShare: Number((p.reduce((a, b) => a + b, 0) / 40).toFixed(5)),
        predictedShare: Number((strength / 12 + rand() * 0.01).toFixed(5)),
      });
    }
  }
  for (const [key, list] of [
    [MAIN, teams],
    ['ncaa-2024', teams.slice(0, 8)],
  ] as const) {
    for (const t of list) {
      await db.query(`INSERT INTO gold.tournament_teams VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
        key,
        t.teamKey,
        t.name,
        t.region,
        t.seed,
        t.rating,
        t.pAdvance,
        t.pAdvance.reduce((a, b) => a + b, 0),
        t.valueShare * 100,
        t.valueShare,
        t.predictedShare,
        t.predictedShare * E * 100,
        t.predictedShare * E * 97,
      ]);
    }
  }

  // Every pairing of the main tournament's teams: stronger-rated teams favoured; they meet later the further apart they are listed.
  for (const [i, a] of teams.entries()) {
    for (const [j, b] of teams.entries()) {
      if (i === j) continue;
      const round = 32 - Math.clz32(i ^ j);
      await db.query(`INSERT INTO gold.matchups VALUES ($1, $2, $3, $4, $5, $6)`, [
        MAIN,
        a.teamKey,
        b.teamKey,
        1 / (1 + Math.exp((b.rating - a.rating) / 100)),
        round,
        0.5 ** round,
      ]);
    }
  }

  const insertRun = async (tournament: string, runKey: string, method: string, seed: number, createdAt: string) =>
    Number(
      (
        await db.query(
          `INSERT INTO gold.optimisation_runs (tournament_key, run_key, entry, method, params, seed, simulations, budget, spend, objective, expected_payout, baselines, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 100, 98, 1.234, 123.4, $8, $9, $9) RETURNING id`,
          [
            tournament,
            runKey,
            OURS,
            method,
            JSON.stringify({ method, simulations: S, minBid: 1 }),
            seed,
            S,
            JSON.stringify({ proportional: 1.02, uniform: 0.97 }),
            createdAt,
          ],
        )
      ).rows[0].id,
    );
  const runIds = [
    await insertRun(MAIN, `${MAIN}/greedy/1`, 'greedy', 1, '2026-03-01T10:00:00Z'),
    await insertRun(MAIN, `${MAIN}/exact/2`, 'exact', 2, '2026-03-02T10:00:00Z'),
  ];
  const otherRunId = await insertRun('ncaa-2024', 'ncaa-2024/greedy/1', 'greedy', 1, '2026-03-03T10:00:00Z');

  // Entries of the main run; two pairs tie on mean normalised payout, so the entry breaks the tie.
  const names = Array.from({ length: E }, (_, i) => (i === 0 ? OURS : i === 5 ? "O'Brien & Co" : `Entry ${String(i).padStart(2, '0')}`));
  const entries: SeededEntry[] = names.map((entry, i) => ({
    entry,
    ours: entry === OURS,
    meanNormalisedPayout: i === 7 || i === 12 ? 0.875 : i === 3 || i === 20 ? 1.125 : Number((0.4 + rand() * 1.1).toFixed(6)),
    pFirst: Number((rand() * 0.2).toFixed(4)),
    meanPercentile: Number(rand().toFixed(4)),
  }));
  for (const [run, list] of [
    [runIds[0]!, entries],
    [runIds[1]!, entries.slice(0, 10)],
    [otherRunId, entries.slice(0, 4)],
  ] as const) {
    for (const e of list) {
      await db.query(`INSERT INTO gold.entry_performance VALUES ($1, $2, $3, 100, $4, $5, $6, $7, $8, $9, $10)`, [
        run,
        e.entry,
        e.ours,
        e.meanNormalisedPayout * 10,
        e.meanNormalisedPayout * 100,
        e.meanNormalisedPayout,
        e.pFirst,
        1 + (1 - e.meanPercentile) * (E - 1),
        e.meanPercentile,
        S,
      ]);
    }
  }
  entries.sort((a, b) => b.meanNormalisedPayout - a.meanNormalisedPayout || (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));

  const outcomes = new Map<string, { payout: number; normalisedPayout: number; points: number; rank: number }[]>();
  const rows: unknown[][] = [];
  for (const e of names) {
    const list = [];
    for (let s = 0; s < S; s++) {
      const payout = rand() < 0.4 ? 0 : Number((rand() * 400).toFixed(2));
      const o = { payout, normalisedPayout: payout / 100, points: Number((payout / 25).toFixed(3)), rank: 1 + Math.floor(rand() * E) };
      list.push(o);
      rows.push([runIds[0], s, e, o.points, o.payout, o.normalisedPayout, o.rank]);
    }
    outcomes.set(e, list);
  }
  await db.query(
    `INSERT INTO gold.entry_outcomes SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::smallint[])`,
    [0, 1, 2, 3, 4, 5, 6].map((c) => rows.map((r) => r[c])),
  );

  const bought = [teams[0]!, teams[3]!, teams[6]!, teams[9]!, teams[14]!];
  const report = bought.map((t, i) => ({ teamKey: t.teamKey, bid: 30 - i * 5, expectedPayout: Number((18 + i * 4.5).toFixed(2)) }));
  for (const [i, t] of bought.entries()) {
    const r = report[i]!;
    const total = r.bid + 150;
    await db.query(`INSERT INTO gold.recommended_bids VALUES ($1, $2, $3, 150, $4)`, [runIds[0], t.teamKey, r.bid, r.bid / total]);
    await db.query(`INSERT INTO gold.entry_portfolios VALUES ($1, $14, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
      runIds[0],
      t.teamKey,
      t.name,
      t.region,
      t.seed,
      r.bid,
      total,
      r.bid / total,
      1.5,
      10,
      (10 * r.bid) / total,
      r.expectedPayout,
      r.expectedPayout / r.bid - 1,
      OURS,
    ]);
  }
  return { tournaments, teams, runIds, otherRunId, entries, outcomes, report };
}
