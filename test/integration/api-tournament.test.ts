// The tournament read API through app.request() on real PostgreSQL, over gold rows seeded with SQL:
// tournaments, teams (sorting, region filter), optimisation runs, rankings walked page by page,
// one entry's distribution against percentiles computed here, bids and the investment report,
// ETag/304, and 400/401/403/404 — including injection strings in every parameter. One file (a little
// over 300 lines) because every case reads the same seeded gold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { MAIN, OURS, seedTournamentGold, type TournamentSeed } from '../support/tournament-gold.ts';

let stack: TestStack;
let app: App;
let reader: string;
let admin: string;
let device: string;
let seed: TournamentSeed;

const json = (res: Response): Promise<any> => res.json();
const get = (path: string, key = reader, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });

/** percentile_cont: linear interpolation between the two nearest order statistics. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

async function goldCounts() {
  const { rows } = await stack.pools.owner.query(
    `SELECT (SELECT count(*) FROM gold.tournaments)::int AS t, (SELECT count(*) FROM gold.optimisation_runs)::int AS r,
            (SELECT count(*) FROM gold.entry_performance)::int AS p, (SELECT count(*) FROM gold.tournament_teams)::int AS tt`,
  );
  return rows[0];
}

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
  });
  reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
  admin = (await createApiKey(stack.pools.owner, { name: 'ops', role: 'admin' })).token;
  device = (await createApiKey(stack.pools.owner, { name: 'esp', role: 'device', deviceId: 'd1' })).token;
  seed = await seedTournamentGold(stack.pools.owner);
});
afterAll(() => stack?.close());

describe('tournaments and teams', () => {
  it('lists tournaments newest first, paged', async () => {
    const first = await json(await get('/v1/tournaments?limit=1'));
    expect(first.items.map((t: any) => t.key)).toEqual([MAIN]);
    expect(first.items[0]).toMatchObject({
      name: 'NCAA 2025 <i>office</i> pool',
      year: 2025,
      teams: 16,
      entries: 25,
      pool: 2500,
      marketMethod: 'ridge',
      simulations: 10000,
    });
    const second = await json(await get(`/v1/tournaments?limit=1&cursor=${first.nextCursor}`));
    expect(second.items.map((t: any) => t.key)).toEqual(['ncaa-2024']);
    expect(second.nextCursor).toBeNull();
  });

  it('serves one tournament with its rules and model, cacheable by ETag', async () => {
    const res = await get(`/v1/tournaments/${MAIN}`, admin);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.calcutta).toMatchObject({ budgetPerEntry: 100, minBid: 1 });
    expect(body.gameModel).toEqual({ kind: 'logistic', scale: 0.0921, fittedOn: 812 });
    expect(body.marketMethod).toBe('ridge');
    const etag = res.headers.get('etag')!;
    expect((await get(`/v1/tournaments/${MAIN}`, reader, { 'if-none-match': etag })).status).toBe(304);
  });

  it('lists teams with probabilities, sorted by a named key and filtered by region', async () => {
    const bySeed = await json(await get(`/v1/tournaments/${MAIN}/teams`));
    expect(bySeed.rounds).toHaveLength(6);
    expect(bySeed.items).toHaveLength(16);
    expect(bySeed.items.map((t: any) => t.seed)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
    const east1 = bySeed.items.find((t: any) => t.teamKey === 'east-1');
    const seeded = seed.teams.find((t) => t.teamKey === 'east-1')!;
    expect(east1.pAdvance).toEqual(seeded.pAdvance);
    expect(east1).toMatchObject({ region: 'East', valueShare: seeded.valueShare, predictedShare: seeded.predictedShare });

    const byValue = await json(await get(`/v1/tournaments/${MAIN}/teams?sort=value`));
    expect(byValue.items.map((t: any) => t.teamKey)).toEqual(
      [...seed.teams].sort((a, b) => b.valueShare - a.valueShare || a.teamKey.localeCompare(b.teamKey)).map((t) => t.teamKey),
    );
    const byShare = await json(await get(`/v1/tournaments/${MAIN}/teams?sort=predicted_share`));
    const shares = byShare.items.map((t: any) => t.predictedShare);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));

    const west = await json(await get(`/v1/tournaments/${MAIN}/teams?region=West&sort=seed`));
    expect(west.items.map((t: any) => t.teamKey)).toEqual(['west-1', 'west-2', 'west-3', 'west-4']);
    expect((await json(await get(`/v1/tournaments/${MAIN}/teams?region=Nowhere`))).items).toEqual([]);
  });

  it("lists a tournament's optimisation runs newest first", async () => {
    const body = await json(await get(`/v1/tournaments/${MAIN}/optimisation-runs?limit=1`));
    expect(body.items.map((r: any) => r.id)).toEqual([seed.runIds[1]]);
    const next = await json(await get(`/v1/tournaments/${MAIN}/optimisation-runs?limit=1&cursor=${body.nextCursor}`));
    expect(next.items.map((r: any) => [r.id, r.method, r.entry])).toEqual([[seed.runIds[0], 'greedy', OURS]]);
    expect(next.nextCursor).toBeNull();
    expect((await json(await get('/v1/tournaments/ncaa-2024/optimisation-runs'))).items.map((r: any) => r.id)).toEqual([seed.otherRunId]);
  });
});

describe('optimisation runs', () => {
  it('serves a run with its parameters, seed, objective and baselines', async () => {
    const body = await json(await get(`/v1/optimisation-runs/${seed.runIds[0]}`));
    expect(body).toMatchObject({
      id: seed.runIds[0],
      tournamentKey: MAIN,
      method: 'greedy',
      seed: 1,
      objective: 1.234,
      params: { method: 'greedy', simulations: 40 },
      baselines: { proportional: 1.02 },
    });
  });

  it('walks the rankings 7 at a time: every entry once, by mean normalised payout then entry', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/v1/optimisation-runs/${seed.runIds[0]}/rankings?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const body: any = await json(res);
      expect(body.items.length).toBeLessThanOrEqual(7);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((e) => e.entry)).size).toBe(25);
    const { rows } = await stack.pools.owner.query(
      'SELECT entry FROM gold.entry_performance WHERE optimisation_run_id = $1 ORDER BY mean_normalised_payout DESC, entry ASC',
      [seed.runIds[0]],
    );
    expect(seen.map((e) => e.entry)).toEqual(rows.map((r) => r.entry));
    expect(seen.map((e) => e.entry)).toEqual(seed.entries.map((e) => e.entry));
    expect(seen.map((e) => e.meanNormalisedPayout)).toEqual(seed.entries.map((e) => e.meanNormalisedPayout));
    expect(seen.filter((e) => e.ours).map((e) => e.entry)).toEqual([OURS]);
    // The tied pairs come out in entry order.
    expect(seen.filter((e) => e.meanNormalisedPayout === 0.875).map((e) => e.entry)).toEqual(['Entry 07', 'Entry 12']);
    // The other run's rankings are its own.
    expect((await json(await get(`/v1/optimisation-runs/${seed.otherRunId}/rankings`))).items).toHaveLength(4);
  });

  it('caps the page size', async () => {
    const res = await get(`/v1/optimisation-runs/${seed.runIds[0]}/rankings?limit=1000`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toContainEqual({ field: 'query.limit', reason: 'must be at most 200' });
  });

  it("computes one entry's payout percentiles and rank histogram from its outcomes", async () => {
    const entry = "O'Brien & Co";
    const body = await json(await get(`/v1/optimisation-runs/${seed.runIds[0]}/entries/${encodeURIComponent(entry)}`));
    const outcomes = seed.outcomes.get(entry)!;
    const payouts = outcomes.map((o) => o.payout);
    expect(body.entry).toBe(entry);
    expect(body.distribution.simulations).toBe(40);
    for (const [k, p] of [
      ['p10', 0.1],
      ['p25', 0.25],
      ['p50', 0.5],
      ['p75', 0.75],
      ['p90', 0.9],
    ] as const) {
      expect(body.distribution.payout[k], k).toBeCloseTo(percentile(payouts, p), 9);
    }
    expect(body.distribution.payout.max).toBe(Math.max(...payouts));
    expect(body.distribution.payout.mean).toBeCloseTo(payouts.reduce((a, b) => a + b, 0) / 40, 9);
    expect(body.distribution.normalisedPayout.p50).toBeCloseTo(
      percentile(
        outcomes.map((o) => o.normalisedPayout),
        0.5,
      ),
      9,
    );
    expect(body.distribution.pInTheMoney).toBeCloseTo(payouts.filter((p) => p > 0).length / 40, 12);
    const histogram = new Map<number, number>();
    for (const o of outcomes) histogram.set(o.rank, (histogram.get(o.rank) ?? 0) + 1);
    expect(body.distribution.rankHistogram.map((b: any) => [b.rank, b.count])).toEqual([...histogram].sort((a, b) => a[0] - b[0]));
    expect(body.distribution.rankHistogram.reduce((a: number, b: any) => a + b.share, 0)).toBeCloseTo(1, 12);

    // An entry with performance but no stored outcomes has no distribution; an unknown one is a 404.
    expect((await json(await get(`/v1/optimisation-runs/${seed.otherRunId}/entries/${OURS}`))).distribution).toBeNull();
    expect((await get(`/v1/optimisation-runs/${seed.runIds[0]}/entries/Nobody`)).status).toBe(404);
  });

  it('serves the recommended bids and the investment report with totals', async () => {
    const bids = await json(await get(`/v1/optimisation-runs/${seed.runIds[0]}/bids`));
    expect(bids.items.map((b: any) => b.amount)).toEqual([30, 25, 20, 15, 10]);
    expect(bids.items[0]).toMatchObject({ teamKey: 'east-1', name: 'East Aces', seed: 1, predictedOthers: 150 });
    expect(bids.total).toBe(100);
    const report = await json(await get(`/v1/optimisation-runs/${seed.runIds[0]}/investment-report`));
    expect(report.items.map((r: any) => r.teamKey)).toEqual([...seed.report].sort((a, b) => b.expectedPayout - a.expectedPayout).map((r) => r.teamKey));
    expect(report.totals.teams).toBe(5);
    expect(report.totals.bid).toBe(100);
    const payout = seed.report.reduce((a, r) => a + r.expectedPayout, 0);
    expect(report.totals.expectedPayout).toBeCloseTo(payout, 9);
    expect(report.totals.roi).toBeCloseTo(payout / 100 - 1, 9);
    // A run with no bids answers empty lists, not 404.
    expect((await json(await get(`/v1/optimisation-runs/${seed.otherRunId}/bids`))).items).toEqual([]);
  });

  it('answers 304 for the same version and 200 with a new ETag after a re-run replaces it', async () => {
    const path = `/v1/optimisation-runs/${seed.runIds[0]}/rankings?limit=7`;
    const res = await get(path);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"optimisation-run-/);
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    const again = await get(path, reader, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get(`/v1/optimisation-runs/${seed.runIds[0]}/investment-report`, reader, { 'if-none-match': etag })).status).toBe(304);
    await stack.pools.owner.query("UPDATE gold.optimisation_runs SET updated_at = updated_at + interval '1 microsecond' WHERE id = $1", [seed.runIds[0]]);
    // Other resources of the run see the new version at once; rankings pages are kept in memory for 1 s.
    expect((await get(`/v1/optimisation-runs/${seed.runIds[0]}/investment-report`, reader, { 'if-none-match': etag })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const after = await get(path, reader, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });
});

describe('bad requests', () => {
  it('answers 400 naming the field for bad ids, sorts, filters and unknown parameters', async () => {
    const cases: [string, { field: string; reason?: unknown }][] = [
      ['/v1/optimisation-runs/abc', { field: 'path.id', reason: 'must be an optimisation run id' }],
      ['/v1/optimisation-runs/0/rankings', { field: 'path.id', reason: 'must be an optimisation run id' }],
      ['/v1/optimisation-runs/-3/bids', { field: 'path.id' }],
      ['/v1/optimisation-runs/1.5/investment-report', { field: 'path.id' }],
      [`/v1/tournaments/${MAIN}/teams?sort=colour`, { field: 'query.sort', reason: expect.stringContaining('Invalid option') }],
      [`/v1/tournaments/${MAIN}/teams?colour=red`, { field: 'query.colour', reason: 'is not a known parameter' }],
      [`/v1/tournaments/${MAIN}/teams?region=%3Cscript%3E`, { field: 'query.region', reason: 'must be a region name' }],
      ['/v1/optimisation-runs/1/rankings?cursor=bm90IGEgY3Vyc29y', { field: 'query.cursor', reason: 'is not a cursor from this endpoint' }],
      ['/v1/optimisation-runs/1/rankings?page=2', { field: 'query.page', reason: 'is not a known parameter' }],
      ['/v1/tournaments/bad%20key', { field: 'path.key' }],
    ];
    for (const [path, detail] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect((await json(res)).error.details, path).toContainEqual(detail.reason === undefined ? expect.objectContaining({ field: detail.field }) : detail);
    }
  });

  it('answers 401 without a key, 403 for a device key and 404 for what does not exist', async () => {
    for (const path of ['/v1/tournaments', `/v1/tournaments/${MAIN}/teams`, `/v1/optimisation-runs/${seed.runIds[0]}/rankings`]) {
      expect((await app.request(path)).status, path).toBe(401);
      expect((await get(path, device)).status, path).toBe(403);
    }
    for (const path of [
      '/v1/tournaments/nope',
      '/v1/tournaments/nope/teams',
      '/v1/tournaments/nope/optimisation-runs',
      '/v1/optimisation-runs/999999',
      '/v1/optimisation-runs/999999/rankings',
      '/v1/optimisation-runs/999999/entries/x',
      '/v1/optimisation-runs/999999/bids',
      '/v1/optimisation-runs/999999/investment-report',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });

  it('treats injection strings in every parameter as data: 400 or nothing found, and changes nothing', async () => {
    const before = await goldCounts();
    const run = seed.runIds[0];
    for (const raw of ["' OR 1=1 --", '1; DROP TABLE gold.tournaments', "1' UNION SELECT * FROM bronze.teams --"]) {
      const x = encodeURIComponent(raw);
      const paths = [
        `/v1/tournaments/${x}`,
        `/v1/tournaments/${x}/teams`,
        `/v1/tournaments/${x}/optimisation-runs`,
        `/v1/tournaments/${MAIN}/teams?sort=${x}`,
        `/v1/tournaments/${MAIN}/teams?region=${x}`,
        `/v1/tournaments?cursor=${x}`,
        `/v1/tournaments?limit=${x}`,
        `/v1/tournaments/${MAIN}/optimisation-runs?cursor=${x}`,
        `/v1/optimisation-runs/${x}`,
        `/v1/optimisation-runs/${x}/rankings`,
        `/v1/optimisation-runs/${run}/rankings?cursor=${x}`,
        `/v1/optimisation-runs/${run}/rankings?limit=${x}`,
        `/v1/optimisation-runs/${run}/entries/${x}`,
        `/v1/optimisation-runs/${x}/entries/${OURS}`,
        `/v1/optimisation-runs/${x}/bids`,
        `/v1/optimisation-runs/${x}/investment-report`,
      ];
      for (const path of paths) {
        const res = await get(path);
        expect([400, 404], `${path} → ${res.status}`).toContain(res.status);
      }
      // A forged cursor of the declared shape (float8 as IEEE-754 hex, entry as base64url) is only a position.
      const forged = `3fe0000000000000.${Buffer.from(raw).toString('base64url')}`;
      const page = await json(await get(`/v1/optimisation-runs/${run}/rankings?cursor=${forged}`));
      expect(page.items.every((e: any) => e.meanNormalisedPayout <= 0.5)).toBe(true);
    }
    expect(await goldCounts()).toEqual(before);
    expect((await json(await get('/v1/tournaments'))).items).toHaveLength(2);
  });
});
