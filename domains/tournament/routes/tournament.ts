// Calcutta tournaments for frontends, read from gold only: tournaments with their rules, teams with
// round-reaching probabilities and market predictions, optimisation runs with the entries'
// rankings (keyset paginated), one entry's payout distribution (percentiles and rank histogram
// computed in SQL from gold.entry_outcomes), the recommended bids and the investment report.
// A run's rows never change once written but a re-run with the same parameters replaces them and
// moves updated_at, so run responses carry a weak ETag of (id, updated_at) and a short max-age.
import type { Context } from 'hono';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type KeyStore } from '../../../api/auth.ts';
import { ApiError, notFoundError, readErrors } from '../../../api/errors.ts';
import { decodeCursor, pageOf, pageQuery, pageSchema } from '../../../api/pagination.ts';
import type { AppDeps, AppEnv } from '../../../api/types.ts';

const TournamentKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a tournament key of letters, digits, ".", "_" or "-"');
const RunId = z.coerce
  .number({ error: 'must be an optimisation run id' })
  .int('must be an optimisation run id')
  .positive('must be an optimisation run id')
  .max(Number.MAX_SAFE_INTEGER, 'must be an optimisation run id');
// Entries are people's names: letters, digits, spaces and a little punctuation, never control characters.
const EntryName = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._'’&()+,@-]{0,127}$/u, 'must be an entry name');
const Region = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u, 'must be a region name');
const Timestamp = z.string().openapi({ format: 'date-time' });
const Json = z.record(z.string(), z.unknown());

/** Round k (1-based) of pAdvance: the probability of winning at least k games. */
export const ROUNDS = ['round of 32', 'sweet 16', 'elite 8', 'final four', 'final', 'champion'] as const;

const Tournament = z
  .object({
    key: z.string(),
    name: z.string(),
    year: z.number().int(),
    teams: z.number().int(),
    entries: z.number().int(),
    pool: z.number(),
    marketMethod: z.string(),
    simulations: z.number().int(),
    updatedAt: Timestamp,
  })
  .openapi('Tournament');
const TournamentDetail = Tournament.extend({ calcutta: Json, gameModel: Json }).openapi('TournamentDetail');
const TournamentTeam = z
  .object({
    teamKey: z.string(),
    name: z.string(),
    region: z.string(),
    seed: z.number().int(),
    rating: z.number(),
    pAdvance: z.array(z.number()).openapi({ description: 'P(winning at least k games), k = 1..6: reaching the round of 32 … champion' }),
    expectedWins: z.number(),
    expectedPoints: z.number(),
    valueShare: z.number(),
    predictedShare: z.number(),
    predictedPrice: z.number(),
    actualBids: z.number(),
  })
  .openapi('TournamentTeam');
const OptimisationRun = z
  .object({
    id: z.number().int(),
    tournamentKey: z.string(),
    runKey: z.string(),
    entry: z.string(),
    method: z.string(),
    seed: z.number(),
    simulations: z.number().int(),
    budget: z.number(),
    spend: z.number(),
    objective: z.number(),
    expectedPayout: z.number(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('OptimisationRun');
const OptimisationRunDetail = OptimisationRun.extend({ params: Json, baselines: z.unknown(), pipelineRunId: z.number().int().nullable() }).openapi(
  'OptimisationRunDetail',
);
const EntryPerformance = z
  .object({
    entry: z.string(),
    ours: z.boolean(),
    spend: z.number(),
    meanPoints: z.number(),
    meanPayout: z.number(),
    meanNormalisedPayout: z.number(),
    pFirst: z.number(),
    meanRank: z.number(),
    meanPercentile: z.number(),
    simulations: z.number().int(),
  })
  .openapi('EntryPerformance');
const Summary = z.object({
  mean: z.number(),
  min: z.number(),
  p10: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  max: z.number(),
});
const EntryDetail = EntryPerformance.extend({
  optimisationRunId: z.number().int(),
  distribution: z
    .object({
      simulations: z.number().int(),
      payout: Summary,
      normalisedPayout: Summary,
      points: Summary,
      pInTheMoney: z.number().openapi({ description: 'share of simulations with a payout above 0' }),
      rankHistogram: z.array(z.object({ rank: z.number().int(), count: z.number().int(), share: z.number() })),
    })
    .nullable()
    .openapi({ description: 'from the simulated outcomes (percentiles interpolated, as percentile_cont); null when none were stored' }),
}).openapi('EntryDetail');
const RecommendedBid = z
  .object({
    teamKey: z.string(),
    name: z.string().nullable(),
    region: z.string().nullable(),
    seed: z.number().int().nullable(),
    amount: z.number(),
    predictedOthers: z.number(),
    ownership: z.number(),
  })
  .openapi('RecommendedBid');
const InvestmentRow = z
  .object({
    teamKey: z.string(),
    name: z.string(),
    region: z.string(),
    seed: z.number().int(),
    bid: z.number(),
    totalBids: z.number(),
    ownership: z.number(),
    expectedWins: z.number(),
    expectedTeamPoints: z.number(),
    expectedPoints: z.number(),
    expectedPayout: z.number(),
    roi: z.number().openapi({ description: 'expectedPayout / bid − 1' }),
  })
  .openapi('InvestmentRow');

const TEAM_SORTS = {
  seed: 'tt.seed ASC, tt.region ASC, tt.team_key ASC',
  value: 'tt.value_share DESC, tt.team_key ASC',
  predicted_share: 'tt.predicted_share DESC, tt.team_key ASC',
  expected_points: 'tt.expected_points DESC, tt.team_key ASC',
  predicted_price: 'tt.predicted_price DESC, tt.team_key ASC',
  actual_bids: 'tt.actual_bids DESC, tt.team_key ASC',
  rating: 'tt.rating DESC, tt.team_key ASC',
  name: 'tt.name ASC, tt.team_key ASC',
} as const;
const TeamSort = z.enum(Object.keys(TEAM_SORTS) as [keyof typeof TEAM_SORTS, ...(keyof typeof TEAM_SORTS)[]]);

const RUN_COLUMNS = `id, tournament_key, run_key, entry, method, seed, simulations, budget, spend, objective, expected_payout, created_at, updated_at,
  (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version`;
const errors = readErrors;
const notFound = notFoundError;
const notModified = { 304: { description: 'not modified (If-None-Match matched the ETag)' } } as const;

/**
 * Caching for a versioned resource: a weak ETag of what it was built from, `private, max-age=60`
 * (a re-run may replace it), and 304 when the client holds that version already.
 */
function notModifiedSince(c: Context, tag: string): Response | undefined {
  const etag = `W/"${tag}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'private, max-age=60');
  const match = c.req.header('if-none-match');
  if (match && match.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag.slice(2))) return c.body(null, 304);
  return undefined;
}
const runTag = (id: number, version: string) => `optimisation-run-${id}-${version}`;

/**
 * Rankings pages as sent, remembered for a moment: every request in that window is answered from
 * memory, so a re-run's new rankings show within `ms` (well inside the max-age clients may keep).
 */
class PageCache {
  private pages = new Map<string, { until: number; version: string; text: string }>();
  constructor(private ms: number) {}
  get(key: string) {
    const hit = this.pages.get(key);
    return hit && hit.until > Date.now() ? hit : undefined;
  }
  set(key: string, version: string, text: string) {
    if (this.ms <= 0) return;
    if (this.pages.size >= 10_000) this.pages.clear();
    this.pages.set(key, { until: Date.now() + this.ms, version, text });
  }
}
const iso = (d: Date) => d.toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
function tournamentJson(r: Record<string, any>) {
  return {
    key: r.tournament_key,
    name: r.name,
    year: r.year,
    teams: r.teams,
    entries: r.entries,
    pool: r.pool,
    marketMethod: r.market_method,
    simulations: r.simulations,
    updatedAt: iso(r.updated_at),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
function runJson(r: Record<string, any>) {
  return {
    id: Number(r.id),
    tournamentKey: r.tournament_key,
    runKey: r.run_key,
    entry: r.entry,
    method: r.method,
    seed: Number(r.seed),
    simulations: r.simulations,
    budget: r.budget,
    spend: r.spend,
    objective: r.objective,
    expectedPayout: r.expected_payout,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
function performanceJson(r: Record<string, any>) {
  return {
    entry: r.entry,
    ours: r.ours,
    spend: r.spend,
    meanPoints: r.mean_points,
    meanPayout: r.mean_payout,
    meanNormalisedPayout: r.mean_normalised_payout,
    pFirst: r.p_first,
    meanRank: r.mean_rank,
    meanPercentile: r.mean_percentile,
    simulations: r.simulations,
  };
}

const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9];
const summaryColumns = (col: string, as: string) =>
  `avg(${col}) AS ${as}_mean, min(${col}) AS ${as}_min, max(${col}) AS ${as}_max, percentile_cont(ARRAY[${QUANTILES.join(',')}]::float8[]) WITHIN GROUP (ORDER BY ${col}) AS ${as}_q`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
function summaryJson(r: Record<string, any>, as: string) {
  const q = r[`${as}_q`] as number[];
  return { mean: r[`${as}_mean`], min: r[`${as}_min`], p10: q[0]!, p25: q[1]!, p50: q[2]!, p75: q[3]!, p90: q[4]!, max: r[`${as}_max`] };
}

export interface TournamentRouteOptions {
  /** How long a rankings page is answered from memory (0: every request reads gold). */
  rankingsCacheMs?: number;
}

export function tournamentRoutes(deps: AppDeps, keys: KeyStore, options: TournamentRouteOptions = {}) {
  const rankingsCache = new PageCache(options.rankingsCacheMs ?? 1000);
  const readers = requireRole(keys, 'reader');
  const security = [{ apiKey: [] }];
  const base = { tags: ['tournament'], security };
  const keyParams = z.object({ key: TournamentKey });
  const runParams = z.object({ id: RunId });
  const json = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

  const list = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/tournaments',
    summary: 'Tournaments, newest year first',
    request: { query: z.object({ ...pageQuery }).strict() },
    responses: { 200: json('a page of tournaments', pageSchema(Tournament)), ...errors },
  });
  const one = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/tournaments/{key}',
    summary: 'A tournament with its calcutta rules, pool, game model and market method',
    request: { params: keyParams },
    responses: { 200: json('the tournament', TournamentDetail), ...notModified, ...errors, ...notFound },
  });
  const teams = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/tournaments/{key}/teams',
    summary: "A tournament's teams: round-reaching probabilities, expected wins and points, value share, predicted share and price, actual bids",
    request: {
      params: keyParams,
      query: z
        .object({
          sort: TeamSort.default('seed').openapi({
            description: 'seed (ascending), name (ascending), or value, predicted_share, expected_points, predicted_price, actual_bids, rating (descending)',
          }),
          region: Region.optional(),
        })
        .strict(),
    },
    responses: {
      200: json('the teams', z.object({ tournamentKey: z.string(), rounds: z.array(z.string()), items: z.array(TournamentTeam) })),
      ...notModified,
      ...errors,
      ...notFound,
    },
  });
  const runs = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/tournaments/{key}/optimisation-runs',
    summary: "A tournament's optimisation runs, newest first",
    request: { params: keyParams, query: z.object({ ...pageQuery }).strict() },
    responses: { 200: json('a page of optimisation runs', pageSchema(OptimisationRun)), ...errors, ...notFound },
  });
  const run = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/optimisation-runs/{id}',
    summary: 'An optimisation run: parameters, seed, objective and baselines (ETag of its version)',
    request: { params: runParams },
    responses: { 200: json('the optimisation run', OptimisationRunDetail), ...notModified, ...errors, ...notFound },
  });
  const rankings = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/optimisation-runs/{id}/rankings',
    summary: "The entries' performance by mean normalised payout (best first, then by entry)",
    request: { params: runParams, query: z.object({ ...pageQuery }).strict() },
    responses: {
      200: json('a page of entries', pageSchema(EntryPerformance).extend({ optimisationRunId: z.number().int() })),
      ...notModified,
      ...errors,
      ...notFound,
    },
  });
  const entry = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/optimisation-runs/{id}/entries/{entry}',
    summary: "One entry's performance and the distribution of its simulated outcomes",
    request: { params: z.object({ id: RunId, entry: EntryName }) },
    responses: { 200: json('the entry', EntryDetail), ...notModified, ...errors, ...notFound },
  });
  const bids = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/optimisation-runs/{id}/bids',
    summary: 'The recommended bids, largest first',
    request: { params: runParams },
    responses: {
      200: json(
        'the bids',
        z.object({ optimisationRunId: z.number().int(), entry: z.string(), budget: z.number(), total: z.number(), items: z.array(RecommendedBid) }),
      ),
      ...notModified,
      ...errors,
      ...notFound,
    },
  });
  const report = createRoute({
    ...base,
    middleware: [readers] as const,
    method: 'get',
    path: '/v1/optimisation-runs/{id}/investment-report',
    summary: 'Per team bid on: bid, ownership, expected points and payout, ROI; with totals',
    request: { params: runParams },
    responses: {
      200: json(
        'the report',
        z.object({
          optimisationRunId: z.number().int(),
          entry: z.string(),
          items: z.array(InvestmentRow),
          totals: z.object({ teams: z.number().int(), bid: z.number(), expectedPoints: z.number(), expectedPayout: z.number(), roi: z.number().nullable() }),
        }),
      ),
      ...notModified,
      ...errors,
      ...notFound,
    },
  });

  const db = deps.readPool;
  return new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const key = decodeCursor(q.cursor, ['number', 'string']);
      const { rows } = await db.query(
        `SELECT tournament_key, name, year, teams, entries, pool, market_method, simulations, updated_at FROM gold.tournaments
          WHERE $1::int IS NULL OR year < $1 OR (year = $1 AND tournament_key > $2)
          ORDER BY year DESC, tournament_key ASC LIMIT $3`,
        [key?.[0] ?? null, key?.[1] ?? null, q.limit + 1],
      );
      const page = pageOf(rows, q.limit, (r) => [r.year, r.tournament_key]);
      return c.json({ items: page.items.map(tournamentJson), nextCursor: page.nextCursor }, 200);
    })
    .openapi(one, async (c) => {
      const { key } = c.req.valid('param');
      const { rows } = await db.query(
        `SELECT *, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version FROM gold.tournaments WHERE tournament_key = $1`,
        [key],
      );
      const t = rows[0];
      if (!t) throw new ApiError(404, `no tournament ${key}`);
      const cached = notModifiedSince(c, `tournament-${key}-${t.version}`);
      if (cached) return cached as never;
      return c.json({ ...tournamentJson(t), calcutta: t.calcutta, gameModel: t.game_model }, 200);
    })
    .openapi(teams, async (c) => {
      const { key } = c.req.valid('param');
      const { sort, region } = c.req.valid('query');
      // The ORDER BY comes from a fixed table chosen by the validated enum, never from the request text.
      const { rows } = await db.query(
        `SELECT t.version, tt.* FROM (SELECT tournament_key, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version FROM gold.tournaments WHERE tournament_key = $1) t
           LEFT JOIN gold.tournament_teams tt ON tt.tournament_key = t.tournament_key AND ($2::text IS NULL OR tt.region = $2)
          ORDER BY ${TEAM_SORTS[sort]}`,
        [key, region ?? null],
      );
      if (!rows[0]) throw new ApiError(404, `no tournament ${key}`);
      const cached = notModifiedSince(c, `tournament-${key}-${rows[0].version}`);
      if (cached) return cached as never;
      const items = rows
        .filter((r) => r.team_key !== null)
        .map((r) => ({
          teamKey: r.team_key,
          name: r.name,
          region: r.region,
          seed: r.seed,
          rating: r.rating,
          pAdvance: r.p_advance,
          expectedWins: r.expected_wins,
          expectedPoints: r.expected_points,
          valueShare: r.value_share,
          predictedShare: r.predicted_share,
          predictedPrice: r.predicted_price,
          actualBids: r.actual_bids,
        }));
      return c.json({ tournamentKey: key, rounds: [...ROUNDS], items }, 200);
    })
    .openapi(runs, async (c) => {
      const { key } = c.req.valid('param');
      const q = c.req.valid('query');
      const cursor = decodeCursor(q.cursor, ['number']);
      const { rows } = await db.query(
        `SELECT o.* FROM (SELECT tournament_key FROM gold.tournaments WHERE tournament_key = $1) t
           LEFT JOIN LATERAL (SELECT ${RUN_COLUMNS} FROM gold.optimisation_runs
                               WHERE tournament_key = t.tournament_key AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3) o ON true`,
        [key, cursor?.[0] ?? null, q.limit + 1],
      );
      if (!rows[0]) throw new ApiError(404, `no tournament ${key}`);
      const page = pageOf(
        rows.filter((r) => r.id !== null),
        q.limit,
        (r) => [Number(r.id)],
      );
      return c.json({ items: page.items.map(runJson), nextCursor: page.nextCursor }, 200);
    })
    .openapi(run, async (c) => {
      const { id } = c.req.valid('param');
      const { rows } = await db.query(`SELECT ${RUN_COLUMNS}, params, baselines, pipeline_run_id FROM gold.optimisation_runs WHERE id = $1`, [id]);
      const r = rows[0];
      if (!r) throw new ApiError(404, `no optimisation run ${id}`);
      const cached = notModifiedSince(c, runTag(id, r.version));
      if (cached) return cached as never;
      return c.json(
        { ...runJson(r), params: r.params, baselines: r.baselines, pipelineRunId: r.pipeline_run_id === null ? null : Number(r.pipeline_run_id) },
        200,
      );
    })
    .openapi(rankings, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const cursor = decodeCursor(q.cursor, ['number', 'string']);
      const cacheKey = `${id}|${q.limit}|${q.cursor ?? ''}`;
      const hit = rankingsCache.get(cacheKey);
      if (hit) return (notModifiedSince(c, runTag(id, hit.version)) ?? c.body(hit.text, 200, { 'content-type': 'application/json' })) as never;
      // One statement: the run's version and the page come from the same snapshot, even mid re-run.
      const { rows } = await db.query({
        name: 'tournament-rankings',
        text: `SELECT r.version, p.* FROM (SELECT id, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version FROM gold.optimisation_runs WHERE id = $1) r
           LEFT JOIN LATERAL (
             SELECT entry, ours, spend, mean_points, mean_payout, mean_normalised_payout, p_first, mean_rank, mean_percentile, simulations
               FROM gold.entry_performance
              WHERE optimisation_run_id = r.id
                AND ($2::float8 IS NULL OR mean_normalised_payout < $2 OR (mean_normalised_payout = $2 AND entry > $3))
              ORDER BY mean_normalised_payout DESC, entry ASC LIMIT $4) p ON true`,
        values: [id, cursor?.[0] ?? null, cursor?.[1] ?? null, q.limit + 1],
      });
      if (!rows[0]) throw new ApiError(404, `no optimisation run ${id}`);
      const cached = notModifiedSince(c, runTag(id, rows[0].version));
      if (cached) return cached as never;
      const page = pageOf(
        rows.filter((r) => r.entry !== null),
        q.limit,
        (r) => [r.mean_normalised_payout, r.entry],
      );
      const text = JSON.stringify({ optimisationRunId: id, items: page.items.map(performanceJson), nextCursor: page.nextCursor });
      rankingsCache.set(cacheKey, rows[0].version, text);
      return c.body(text, 200, { 'content-type': 'application/json' }) as never;
    })
    .openapi(entry, async (c) => {
      const { id, entry: name } = c.req.valid('param');
      const { rows } = await db.query(
        `SELECT r.version, p.*, d.*, h.ranks
           FROM (SELECT id, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version FROM gold.optimisation_runs WHERE id = $1) r
           LEFT JOIN gold.entry_performance p ON p.optimisation_run_id = r.id AND p.entry = $2
           LEFT JOIN LATERAL (
             SELECT count(*)::int AS outcomes, (count(*) FILTER (WHERE payout > 0))::float8 / nullif(count(*), 0) AS p_in_money,
                    ${summaryColumns('payout', 'payout')}, ${summaryColumns('normalised_payout', 'norm')}, ${summaryColumns('points', 'points')}
               FROM gold.entry_outcomes WHERE optimisation_run_id = r.id AND entry = $2) d ON true
           LEFT JOIN LATERAL (
             SELECT jsonb_agg(jsonb_build_object('rank', rank, 'count', n) ORDER BY rank) AS ranks
               FROM (SELECT rank, count(*)::int AS n FROM gold.entry_outcomes WHERE optimisation_run_id = r.id AND entry = $2 GROUP BY rank) x) h ON true`,
        [id, name],
      );
      const r = rows[0];
      if (!r) throw new ApiError(404, `no optimisation run ${id}`);
      if (r.entry === null) throw new ApiError(404, `no entry ${name} in optimisation run ${id}`);
      const cached = notModifiedSince(c, `${runTag(id, r.version)}-${Buffer.from(name).toString('base64url')}`);
      if (cached) return cached as never;
      const distribution = r.outcomes
        ? {
            simulations: r.outcomes,
            payout: summaryJson(r, 'payout'),
            normalisedPayout: summaryJson(r, 'norm'),
            points: summaryJson(r, 'points'),
            pInTheMoney: r.p_in_money,
            rankHistogram: (r.ranks as { rank: number; count: number }[]).map((b) => ({ ...b, share: b.count / r.outcomes })),
          }
        : null;
      return c.json({ optimisationRunId: id, ...performanceJson(r), distribution }, 200);
    })
    .openapi(bids, async (c) => {
      const { id } = c.req.valid('param');
      const { rows } = await db.query(
        `SELECT r.version, r.entry AS run_entry, r.budget, b.team_key, b.amount, b.predicted_others, b.ownership, t.name, t.region, t.seed
           FROM (SELECT id, tournament_key, entry, budget, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version FROM gold.optimisation_runs WHERE id = $1) r
           LEFT JOIN gold.recommended_bids b ON b.optimisation_run_id = r.id
           LEFT JOIN gold.tournament_teams t ON t.tournament_key = r.tournament_key AND t.team_key = b.team_key
          ORDER BY b.amount DESC, b.team_key ASC`,
        [id],
      );
      if (!rows[0]) throw new ApiError(404, `no optimisation run ${id}`);
      const cached = notModifiedSince(c, runTag(id, rows[0].version));
      if (cached) return cached as never;
      const items = rows
        .filter((b) => b.team_key !== null)
        .map((b) => ({
          teamKey: b.team_key,
          name: b.name,
          region: b.region,
          seed: b.seed,
          amount: b.amount,
          predictedOthers: b.predicted_others,
          ownership: b.ownership,
        }));
      const total = items.reduce((a, b) => a + b.amount, 0);
      return c.json({ optimisationRunId: id, entry: rows[0].run_entry, budget: rows[0].budget, total, items }, 200);
    })
    .openapi(report, async (c) => {
      const { id } = c.req.valid('param');
      const { rows } = await db.query(
        `SELECT r.version, r.entry AS run_entry, i.*
           FROM (SELECT id, entry, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS version FROM gold.optimisation_runs WHERE id = $1) r
           LEFT JOIN gold.investment_report i ON i.optimisation_run_id = r.id
          ORDER BY i.expected_payout DESC, i.team_key ASC`,
        [id],
      );
      if (!rows[0]) throw new ApiError(404, `no optimisation run ${id}`);
      const cached = notModifiedSince(c, runTag(id, rows[0].version));
      if (cached) return cached as never;
      const items = rows
        .filter((i) => i.team_key !== null)
        .map((i) => ({
          teamKey: i.team_key,
          name: i.name,
          region: i.region,
          seed: i.seed,
          bid: i.bid,
          totalBids: i.total_bids,
          ownership: i.ownership,
          expectedWins: i.expected_wins,
          expectedTeamPoints: i.expected_team_points,
          expectedPoints: i.expected_points,
          expectedPayout: i.expected_payout,
          roi: i.roi,
        }));
      const bid = items.reduce((a, i) => a + i.bid, 0);
      const expectedPayout = items.reduce((a, i) => a + i.expectedPayout, 0);
      const totals = {
        teams: items.length,
        bid,
        expectedPoints: items.reduce((a, i) => a + i.expectedPoints, 0),
        expectedPayout,
        roi: bid > 0 ? expectedPayout / bid - 1 : null,
      };
      return c.json({ optimisationRunId: id, entry: rows[0].run_entry, items, totals }, 200);
    });
}
