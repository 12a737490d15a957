// The read API a frontend expects, over a real pipeline run of the 68-team sample (First Four, real
// names): tournaments by key and by year, runs (latest by default, per strategy), rankings with an
// explicit rank (ties), any entry's portfolio, matchups and a team's most likely path, team detail
// with owners, the simulation explorer, seed 003's aliases, and the analysts' SQL read by the API's
// role. Every list is walked page by page; 304s, 400s naming the field, 401/403/404.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { tournamentPipeline } from '../../domains/tournament/pipeline.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';
import { runPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
let reader: string;
let device: string;
let landingDir: string;
const sample = sampleTournament(2025, { firstFour: true });
const KEY = sample.tournament.key;
const SIMS = 1_000;
const ENTRIES = new Set(sample.bids.map((b) => b.entry)).size + 1;

const json = (res: Response): Promise<any> => res.json();
const get = (path: string, key = reader, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
const ok = async (path: string) => {
  const res = await get(path);
  // The answer's body goes into the message, so a refusal says why.
  if (res.status !== 200) expect(`${res.status} ${await res.text()}`, path).toBe('200');
  return json(res);
};
const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;

/** Every page of a keyset-paginated list, checking each page's size. */
async function walk(path: string, limit: number): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: any = await ok(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
    expect(page.items.length).toBe(limit);
  }
  throw new Error(`${path}: more than 100 pages`);
}

let runs: any[];
let payoutRun: any;
const playIn = sample.teams.find((t) => t.playIn)!;
const partner = sample.teams.find((t) => t.playIn && t !== playIn && t.region === playIn.region && t.seed === playIn.seed)!;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  landingDir = mkdtempSync(join(tmpdir(), 'refinery-landing-'));
  mkdirSync(join(landingDir, KEY));
  for (const [name, text] of Object.entries(sampleLandingFiles(sample))) writeFileSync(join(landingDir, KEY, name), text);
  const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir, simulations: SIMS, scenarios: 1_000 });
  expect(summary.steps.filter((s) => s.status !== 'succeeded').map((s) => [s.stepId, s.error])).toEqual([]);
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
  });
  reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
  device = (await createApiKey(stack.pools.owner, { name: 'esp', role: 'device', deviceId: 'd1' })).token;
  runs = await walk(`/v1/tournaments/${KEY}/optimisation-runs`, 1);
  payoutRun = runs.find((r) => r.strategy === 'payout');
}, 300_000);
afterAll(async () => {
  await stack?.close();
  if (landingDir) rmSync(landingDir, { recursive: true, force: true });
});

describe('tournaments by key and by year, and their runs', () => {
  it('finds the tournament by key, by year (filter and seed 003 path), with ETags', async () => {
    expect((await ok('/v1/tournaments?year=2025')).items.map((t: any) => t.key)).toEqual([KEY]);
    expect((await ok('/v1/tournaments?year=1999')).items).toEqual([]);
    const res = await get('/api/v1/analytics/tournaments/2025');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ key: KEY, year: 2025, teams: 68 });
    expect((await get('/api/v1/analytics/tournaments/2025', reader, { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
    expect((await get('/api/v1/analytics/tournaments/1999')).status).toBe(404);
  });

  it('answers 409 for a year with two tournaments, naming them', async () => {
    await q(
      `INSERT INTO gold.tournaments (tournament_key, name, year, calcutta, teams, entries, pool, game_model, market_method, simulations)
             SELECT 'another-2025', name, year, calcutta, teams, entries, pool, game_model, market_method, simulations FROM gold.tournaments WHERE tournament_key = $1`,
      [KEY],
    );
    try {
      const res = await get('/api/v1/analytics/tournaments/2025/runs');
      expect(res.status).toBe(409);
      expect((await json(res)).error.message).toContain(`another-2025, ${KEY}`);
    } finally {
      await q(`DELETE FROM gold.tournaments WHERE tournament_key = 'another-2025'`);
    }
  });

  it('lists one run per strategy, walked a page at a time, with parameters and our performance', async () => {
    expect(runs.map((r) => r.strategy).sort()).toEqual(['first', 'mean-variance', 'payout']);
    for (const r of runs) expect(r.ours).toMatchObject({ pFirst: expect.any(Number), meanNormalisedPayout: expect.any(Number) });
    expect(runs.find((r) => r.strategy === 'mean-variance').strategyParams).toMatchObject({ kind: 'mean-variance', risk: 1, scenarios: 1_000 });
    expect((await ok(`/v1/tournaments/${KEY}/optimisation-runs?strategy=first`)).items.map((r: any) => r.strategy)).toEqual(['first']);
    expect((await ok(`/api/v1/analytics/tournaments/2025/runs?limit=10`)).items.map((r: any) => r.id)).toEqual(runs.map((r) => r.id));
  });

  it('serves the latest run by default (the payout strategy of the newest pipeline run), or the latest of a strategy', async () => {
    const res = await get(`/v1/tournaments/${KEY}/optimisation-runs/latest`);
    const latest = await json(res);
    expect(latest).toMatchObject({ id: payoutRun.id, strategy: 'payout', params: expect.objectContaining({ simulations: SIMS }) });
    expect((await get(`/v1/tournaments/${KEY}/optimisation-runs/latest`, reader, { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
    expect((await ok(`/v1/tournaments/${KEY}/optimisation-runs/latest?strategy=first`)).strategy).toBe('first');
    expect((await get(`/v1/tournaments/${KEY}/optimisation-runs/latest?strategy=kelly`)).status).toBe(404);
  });
});

describe('rankings with an explicit rank', () => {
  it('ranks every entry once across pages, rank = 1 + entries strictly better', async () => {
    const items = await walk(`/v1/optimisation-runs/${payoutRun.id}/rankings`, 5);
    expect(items).toHaveLength(ENTRIES);
    for (const e of items) expect(e.rank).toBe(1 + items.filter((o) => o.meanNormalisedPayout > e.meanNormalisedPayout).length);
    expect(items.filter((e) => e.ours).map((e) => e.entry)).toEqual(['refinery']);
  });

  it('gives tied entries the better rank and skips the next (1, 2, 2, 4)', async () => {
    const [{ id }] = await q(
      `INSERT INTO gold.optimisation_runs (tournament_key, run_key, entry, method, params, seed, simulations, budget, spend, objective, expected_payout, baselines, strategy)
       VALUES ($1, 'ties', 'a', 'import', '{}', 0, 1, 100, 100, 1, 100, '{}', 'imported') RETURNING id`,
      [KEY],
    );
    for (const [entry, payout] of [
      ['a', 2],
      ['b', 1.5],
      ['c', 1.5],
      ['d', 1],
    ] as const) {
      await q(`INSERT INTO gold.entry_performance VALUES ($1, $2, $3, 100, 0, 0, $4, 0, 0, 0, 1)`, [id, entry, entry === 'a', payout]);
    }
    const items = await walk(`/v1/optimisation-runs/${id}/rankings`, 1);
    expect(items.map((e) => [e.entry, e.rank])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 4],
    ]);
    const seed = await ok(`/api/v1/analytics/tournaments/2025/runs/${id}/rankings`);
    expect(seed.entries.map((e: any) => [e.entry_key, e.rank, e.mean_normalized_payout])).toEqual([
      ['a', 1, 2],
      ['b', 2, 1.5],
      ['c', 2, 1.5],
      ['d', 4, 1],
    ]);
    await q(`DELETE FROM gold.optimisation_runs WHERE id = $1`, [id]);
  });

  it("answers seed 003's frontend path in its shape, paged, and only for the year's runs", async () => {
    const path = `/api/v1/analytics/tournaments/2025/runs/${payoutRun.id}/rankings`;
    const first = await ok(`${path}?limit=10`);
    expect(first).toMatchObject({ tournament_key: KEY, year: 2025, run_id: payoutRun.id });
    expect(Object.keys(first.entries[0]).sort()).toEqual([
      'entry_key',
      'mean_normalized_payout',
      'mean_payout',
      'mean_rank',
      'ours',
      'p_top1',
      'percentile_rank',
      'rank',
    ]);
    const second = await ok(`${path}?limit=10&cursor=${first.nextCursor}`);
    const v1 = await walk(`/v1/optimisation-runs/${payoutRun.id}/rankings`, 50);
    expect([...first.entries, ...second.entries].map((e: any) => e.entry_key)).toEqual(v1.slice(0, 20).map((e) => e.entry));
    expect((await get(`/api/v1/analytics/tournaments/2024/runs/${payoutRun.id}/rankings`)).status).toBe(404);
  });
});

describe("any entry's portfolio", () => {
  it("lists another entry's teams: its bids, its share of each team, and totals that add up", async () => {
    const entry = sample.bids[0].entry;
    const mine = sample.bids.filter((b) => b.entry === entry);
    const res = await get(`/v1/optimisation-runs/${payoutRun.id}/entries/${entry}/portfolio`);
    const body = await json(res);
    expect(body).toMatchObject({ entry, ours: false });
    expect(body.items.map((i: any) => i.teamKey).sort()).toEqual(mine.map((b) => b.team).sort());
    for (const i of body.items) {
      expect(i.bid).toBe(mine.find((b) => b.team === i.teamKey)!.amount);
      expect(i.ownership).toBeCloseTo(i.bid / i.totalBids, 12);
    }
    expect(body.totals.bid).toBeCloseTo(
      mine.reduce((s, b) => s + b.amount, 0),
      9,
    );
    expect(body.totals.expectedPayout).toBeCloseTo(
      body.items.reduce((s: number, i: any) => s + i.expectedPayout, 0),
      9,
    );
    expect((await get(`/v1/optimisation-runs/${payoutRun.id}/entries/${entry}/portfolio`, reader, { 'if-none-match': res.headers.get('etag')! })).status).toBe(
      304,
    );
  });

  it('gives ours the same rows as the investment report', async () => {
    const ours = await ok(`/v1/optimisation-runs/${payoutRun.id}/entries/refinery/portfolio`);
    const report = await ok(`/v1/optimisation-runs/${payoutRun.id}/investment-report`);
    expect(ours.ours).toBe(true);
    expect(ours.items.map((i: any) => [i.teamKey, i.bid, i.expectedPayout]).sort()).toEqual(
      report.items.map((i: any) => [i.teamKey, i.bid, i.expectedPayout]).sort(),
    );
  });
});

describe('matchups and paths', () => {
  it('gives P(a beats b) for any pair, complementary both ways, equal to the game model', async () => {
    const [a, b] = [sample.teams[0], sample.teams[40]];
    const ab = await ok(`/v1/tournaments/${KEY}/matchups/${a.key}/${b.key}`);
    const ba = await ok(`/v1/tournaments/${KEY}/matchups/${b.key}/${a.key}`);
    expect(ab.pAWins + ba.pAWins).toBeCloseTo(1, 12);
    expect(ab.pBWins).toBeCloseTo(ba.pAWins, 12);
    const [model] = await q(`SELECT p_a_wins FROM silver.game_predictions WHERE tournament_key = $1 AND team_a = $2 AND team_b = $3`, [KEY, a.key, b.key]);
    expect(ab.pAWins).toBeCloseTo(model.p_a_wins, 12);
    expect(ab.a.name).toBe(a.name);
    expect(await ok(`/v1/tournaments/${KEY}/matchups/${playIn.key}/${partner.key}`)).toMatchObject({ round: 0, roundName: 'First Four', pMeet: 1 });
  });

  it("walks a team's 67 matchups by round, likeliest first, and filters one round", async () => {
    const all = await walk(`/v1/tournaments/${KEY}/teams/${sample.teams[0].key}/matchups`, 10);
    expect(all).toHaveLength(67);
    expect(new Set(all.map((m) => m.teamKey)).size).toBe(67);
    for (let i = 1; i < all.length; i++) expect(all[i].round > all[i - 1].round || all[i].pMeet <= all[i - 1].pMeet).toBe(true);
    const finals = await walk(`/v1/tournaments/${KEY}/teams/${sample.teams[0].key}/matchups?round=6`, 50);
    expect(finals.length).toBe(all.filter((m) => m.round === 6).length);
  });

  it("follows a First Four team's most likely path: its partner first, then one opponent per round", async () => {
    const path = await ok(`/v1/tournaments/${KEY}/teams/${playIn.key}/path`);
    expect(path.team.name).toBe(playIn.name);
    expect(path.steps.map((s: any) => s.round)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(path.steps[0]).toMatchObject({ roundName: 'First Four', opponent: { teamKey: partner.key }, pOpponentThere: 1, pReach: 1 });
    const team = await ok(`/v1/tournaments/${KEY}/teams/${playIn.key}`);
    expect(path.steps[1].pReach).toBeCloseTo(team.pRoundOf64, 12);
    expect(path.steps[6].pWin).toBeCloseTo(team.pAdvance[5], 12);
    for (const s of path.steps) expect(s.pOpponentThere).toBeLessThanOrEqual(1 + 1e-12);
  });
});

describe('team detail and the simulation explorer', () => {
  it('shows a team with real punctuation intact, its distributions of games won, and who owns it', async () => {
    const umbc = sample.teams.find((t) => t.name === 'Maryland, Baltimore County')!;
    const res = await get(`/v1/tournaments/${KEY}/teams/${umbc.key}`);
    const team = await json(res);
    expect(team).toMatchObject({ name: 'Maryland, Baltimore County', playIn: true, wins: { simulations: SIMS } });
    expect(team.wins.exact.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(team.wins.simulated.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(team.wins.exact).toHaveLength(8);
    expect(team.owners.optimisationRunId).toBe(payoutRun.id);
    const bids = sample.bids.filter((b) => b.team === umbc.key);
    expect(team.owners.items.map((o: any) => o.entry).sort()).toEqual(expect.arrayContaining(bids.map((b) => b.entry).sort()));
    expect(team.owners.items.reduce((s: number, o: any) => s + o.ownership, 0)).toBeCloseTo(1, 9);
    expect((await get(`/v1/tournaments/${KEY}/teams/${umbc.key}`, reader, { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
    const other = runs.find((r) => r.strategy === 'first');
    expect((await ok(`/v1/tournaments/${KEY}/teams/${umbc.key}?run=${other.id}`)).owners.optimisationRunId).toBe(other.id);
    const names = (await ok(`/v1/tournaments/${KEY}/teams`)).items.map((t: any) => t.name);
    for (const n of ["Mount St. Mary's", 'Texas A&M–Corpus Christi', 'San José State']) expect(names).toContain(n);
  });

  it("buckets an entry's payouts over every simulation, and walks its outcomes simulation by simulation", async () => {
    const hist = await ok(`/v1/optimisation-runs/${payoutRun.id}/entries/refinery/payouts?buckets=10`);
    expect(hist.buckets).toHaveLength(10);
    expect(hist.buckets.reduce((s: number, b: any) => s + b.count, 0)).toBe(SIMS);
    expect(hist.buckets[0].from).toBe(hist.min);
    expect(hist.buckets[9].to).toBe(hist.max);
    const outcomes = await walk(`/v1/optimisation-runs/${payoutRun.id}/entries/refinery/outcomes`, 200);
    expect(outcomes.map((o) => o.simulation)).toEqual([...Array(SIMS).keys()]);
    expect(Math.min(...outcomes.map((o) => o.payout))).toBe(hist.min);
    const detail = await ok(`/v1/optimisation-runs/${payoutRun.id}/entries/refinery`);
    expect(outcomes.reduce((s, o) => s + o.payout, 0) / SIMS).toBeCloseTo(detail.meanPayout, 6);
    // Any cursor the document allows gets a page: past the last simulation, and past PostgreSQL's integer.
    for (const cursor of [SIMS - 1, 2 ** 31, 10 ** 15 - 1]) {
      const page = await ok(`/v1/optimisation-runs/${payoutRun.id}/entries/refinery/outcomes?cursor=${cursor}`);
      expect(page.items, `cursor ${cursor}`).toEqual([]);
      expect(page.nextCursor).toBeNull();
    }
  });
});

describe('conditional requests', () => {
  /** The routes of seed 003's aliases, any entry, and teams one at a time: every one a gold answer. */
  const newRoutes = () => {
    const run = payoutRun.id;
    const team = sample.teams[0].key;
    return [
      `/api/v1/analytics/tournaments/2025`,
      `/api/v1/analytics/tournaments/2025/runs`,
      `/api/v1/analytics/tournaments/2025/runs/${run}/rankings`,
      `/v1/optimisation-runs/${run}/entries/refinery/portfolio`,
      `/v1/optimisation-runs/${run}/entries/refinery/payouts`,
      `/v1/optimisation-runs/${run}/entries/refinery/outcomes`,
      `/v1/tournaments/${KEY}/teams/${team}`,
      `/v1/tournaments/${KEY}/teams/${team}/matchups`,
      `/v1/tournaments/${KEY}/teams/${team}/path`,
      `/v1/tournaments/${KEY}/matchups/${team}/${playIn.key}`,
    ];
  };

  it('answers 304 on every new route when the ETag still matches, and 200 with the body when it does not', async () => {
    const run = payoutRun.id;
    const paths = [
      `/v1/tournaments?year=2025`,
      `/v1/tournaments/${KEY}/optimisation-runs`,
      `/v1/tournaments/${KEY}/optimisation-runs/latest`,
      `/v1/optimisation-runs/${run}/rankings`,
      ...newRoutes(),
    ];
    const wrong: string[] = [];
    for (const path of paths) {
      const res = await get(path);
      const etag = res.headers.get('etag');
      if (res.status !== 200 || !etag) {
        wrong.push(`${path}: ${res.status}, ETag ${etag}`);
        continue;
      }
      const again = await get(path, reader, { 'if-none-match': etag });
      if (again.status !== 304 || (await again.text()) !== '') wrong.push(`${path}: ${again.status} to its own ETag`);
      const stale = await get(path, reader, { 'if-none-match': 'W/"stale"' });
      if (stale.status !== 200) wrong.push(`${path}: ${stale.status} to a stale ETag`);
    }
    expect(wrong).toEqual([]);
  });

  it("gives every new route the tournament partition's freshness, as Last-Modified too, and answers 304 on If-Modified-Since", async () => {
    // The tournament's own answer says how fresh its partition is; every route reading it must say the same.
    const expected = (await ok(`/v1/tournaments/${KEY}`)).freshness;
    expect(expected.asOf).not.toBeNull();
    expect(expected.partitions.map((p: any) => p.partition)).toEqual([KEY]);
    const lastModified = new Date(expected.lastModified).toUTCString();
    const wrong: string[] = [];
    for (const path of newRoutes()) {
      const res = await get(path);
      const body = await json(res);
      if (res.status !== 200) wrong.push(`${path}: ${res.status}`);
      else if (JSON.stringify(body.freshness) !== JSON.stringify(expected)) wrong.push(`${path}: freshness ${JSON.stringify(body.freshness)}`);
      else if (res.headers.get('last-modified') !== lastModified) wrong.push(`${path}: Last-Modified ${res.headers.get('last-modified')}`);
      else {
        const since = await get(path, reader, { 'if-modified-since': lastModified });
        if (since.status !== 304 || (await since.text()) !== '') wrong.push(`${path}: ${since.status} to If-Modified-Since its Last-Modified`);
        const before = new Date(Date.parse(expected.lastModified) - 3_600_000).toUTCString();
        const older = await get(path, reader, { 'if-modified-since': before });
        if (older.status !== 200 || !(await json(older)).freshness) wrong.push(`${path}: ${older.status} to If-Modified-Since an hour earlier`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('bad requests', () => {
  it('answers 400 naming the field', async () => {
    const run = payoutRun.id;
    const cases: [string, string][] = [
      [`/v1/tournaments?year=20x5`, 'query.year'],
      [`/api/v1/analytics/tournaments/1800`, 'path.year'],
      [`/v1/tournaments/${KEY}/optimisation-runs?strategy=DROP%20TABLE`, 'query.strategy'],
      [`/v1/tournaments/${KEY}/teams/${playIn.key}/matchups?round=7`, 'query.round'],
      // A round beyond the final in a cursor (schemathesis found it reaching SQL as a 500).
      [`/v1/tournaments/${KEY}/teams/${playIn.key}/matchups?cursor=7319068103168.1c1f139fad8021ab.`, 'query.cursor'],
      [`/v1/tournaments/${KEY}/teams/bad%20team`, 'path.team'],
      [`/v1/tournaments/${KEY}/teams/${playIn.key}?run=zero`, 'query.run'],
      [`/v1/tournaments/${KEY}/teams/${playIn.key}/matchups?cursor=bm9wZQ`, 'query.cursor'],
      [`/v1/optimisation-runs/${run}/entries/refinery/payouts?buckets=1`, 'query.buckets'],
      [`/v1/optimisation-runs/${run}/entries/refinery/outcomes?limit=0`, 'query.limit'],
      [`/v1/optimisation-runs/${run}/entries/%00x/portfolio`, 'path.entry'],
      [`/api/v1/analytics/tournaments/2025/runs/${run}/rankings?offset=10`, 'query.offset'],
    ];
    // A team against itself is schema-valid but breaks a rule the schema cannot state: 422.
    const self = await get(`/v1/tournaments/${KEY}/matchups/${playIn.key}/${playIn.key}`);
    expect(self.status).toBe(422);
    expect((await json(self)).error.details.map((d: any) => d.field)).toEqual(['path.b']);
    for (const [path, field] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(
        (await json(res)).error.details.map((d: any) => d.field),
        path,
      ).toContain(field);
    }
  });

  it('answers 401 without a key, 403 for a device key, 404 naming what does not exist', async () => {
    const run = payoutRun.id;
    const paths = [
      `/v1/tournaments/${KEY}/teams/${playIn.key}`,
      `/v1/tournaments/${KEY}/teams/${playIn.key}/path`,
      `/v1/tournaments/${KEY}/teams/${playIn.key}/matchups`,
      `/v1/tournaments/${KEY}/matchups/${playIn.key}/${partner.key}`,
      `/v1/tournaments/${KEY}/optimisation-runs/latest`,
      `/v1/optimisation-runs/${run}/entries/refinery/portfolio`,
      `/v1/optimisation-runs/${run}/entries/refinery/payouts`,
      `/v1/optimisation-runs/${run}/entries/refinery/outcomes`,
      `/api/v1/analytics/tournaments/2025/runs/${run}/rankings`,
    ];
    for (const path of paths) {
      expect((await app.request(path)).status, path).toBe(401);
      expect((await get(path, device)).status, path).toBe(403);
    }
    const missing: [string, string][] = [
      [`/v1/tournaments/nope/teams/${playIn.key}`, 'no tournament nope'],
      [`/v1/tournaments/${KEY}/teams/nope`, `no team nope in tournament ${KEY}`],
      [`/v1/tournaments/${KEY}/teams/nope/path`, `no team nope`],
      [`/v1/tournaments/${KEY}/teams/nope/matchups`, `no team nope`],
      [`/v1/tournaments/${KEY}/matchups/nope/${partner.key}`, 'no pairing of nope'],
      [`/v1/tournaments/${KEY}/teams/${playIn.key}?run=999999`, 'no optimisation run 999999'],
      [`/v1/optimisation-runs/999999/entries/refinery/portfolio`, 'no optimisation run 999999'],
      [`/v1/optimisation-runs/${run}/entries/nobody/portfolio`, `no entry nobody in optimisation run ${run}`],
      [`/v1/optimisation-runs/${run}/entries/nobody/payouts`, 'no entry nobody'],
      [`/v1/optimisation-runs/${run}/entries/nobody/outcomes`, 'no entry nobody'],
    ];
    for (const [path, message] of missing) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect((await json(res)).error.message, path).toContain(message);
    }
  });
});

describe('SQL for analysts', () => {
  it("lets the API's read-only role read the three views and call the portfolio function, and nothing more", async () => {
    const api = stack.pools.api;
    const rankings = (await api.query(`SELECT entry, rank FROM analytics.entry_rankings WHERE optimisation_run_id = $1 ORDER BY rank, entry`, [payoutRun.id]))
      .rows;
    expect(rankings).toHaveLength(ENTRIES);
    const values = (await api.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE play_in)::int AS play_in FROM analytics.team_values WHERE year = 2025`))
      .rows[0];
    expect(values).toEqual({ n: 68, play_in: 8 });
    const report = (await api.query(`SELECT count(*)::int AS n FROM analytics.investment_report WHERE optimisation_run_id = $1`, [payoutRun.id])).rows[0];
    expect(report.n).toBeGreaterThan(0);
    const portfolio = (await api.query(`SELECT * FROM analytics.entry_portfolio($1, $2)`, [payoutRun.id, sample.bids[0].entry])).rows;
    expect(portfolio.length).toBe(sample.bids.filter((b) => b.entry === sample.bids[0].entry).length);
    await expect(api.query(`CREATE VIEW analytics.evil AS SELECT 1`)).rejects.toThrow(/permission denied/);
    await expect(api.query(`DELETE FROM gold.entry_portfolios`)).rejects.toThrow(/permission denied/);
  });
});
