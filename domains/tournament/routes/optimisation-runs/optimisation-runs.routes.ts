// Optimisation runs for frontends: a run's parameters and baselines, the entries' rankings (keyset
// paginated), one entry's payout distribution, the recommended bids and the investment report.
// A run's rows never change once written but a re-run with the same parameters replaces them, so
// every answer carries a weak ETag of (id, version) and a short max-age. OptimisationRun is shared
// with the tournaments resource.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { Freshness } from '../../../../api/freshness.ts';
import { jsonContent, keyed, notFound, notModified, readErrors, rowId, Timestamp, unicodeText } from '../../../../api/openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../../../api/pagination.ts';

export const RunId = rowId('an optimisation run id');
// Entries are people's names: letters, digits, spaces and a little punctuation, never control characters.
export const EntryName = unicodeText(/^[\p{L}\p{N}][\p{L}\p{N} ._'’&()+,@-]{0,127}$/u, 'must be an entry name');

export const OptimisationRun = z
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
    objective: z.number().openapi({ description: 'expected normalised payout of the bids under the market model (comparable across strategies)' }),
    expectedPayout: z.number(),
    strategy: z.string().openapi({ description: 'payout, first, top-N, mean-variance or imported' }),
    strategyParams: z.record(z.string(), z.unknown()),
    strategyScore: z.number().nullable().openapi({ description: 'what the strategy maximised, on the scenarios it planned with' }),
    ours: z
      .object({ meanNormalisedPayout: z.number(), meanPayout: z.number(), pFirst: z.number(), meanRank: z.number(), meanPercentile: z.number() })
      .nullable()
      .openapi({ description: "our entry's performance over the pipeline's simulations; null until the run is evaluated" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('OptimisationRun');
export const OptimisationRunDetail = OptimisationRun.extend({
  params: z.record(z.string(), z.unknown()),
  baselines: z.unknown(),
  pipelineRunId: z.number().int().nullable(),
  freshness: Freshness,
}).openapi('OptimisationRunDetail');
const EntryPerformance = z
  .object({
    rank: z.number().int().openapi({
      description:
        'competition rank by mean normalised payout: entries tied on it share the better rank and the next rank is skipped (1, 2, 2, 4); a tie lists by entry',
    }),
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
  freshness: Freshness,
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

/** Sums over a portfolio's teams; roi is expectedPayout / bid − 1 of the whole, null with no bids. */
export const PortfolioTotals = z
  .object({ teams: z.number().int(), bid: z.number(), expectedPoints: z.number(), expectedPayout: z.number(), roi: z.number().nullable() })
  .openapi('PortfolioTotals');

const base = { tags: ['tournament'], security: keyed };
/** Who may read a run (also checked by the revalidation lane, api/revalidation.ts). */
export const readerRoles = ['reader'] as const;
const readers = requireRole(...readerRoles);
const runParams = z.object({ id: RunId });
const versioned = { ...notModified, ...readErrors, ...notFound };
/** Rankings run best first by (meanNormalisedPayout, entry). */
export const rankingsCursor = cursorOf(cursorParts.float, cursorParts.text);

export const one = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}',
  summary: 'An optimisation run: parameters, seed, objective and baselines (ETag of its version)',
  request: { params: runParams },
  responses: { 200: jsonContent(OptimisationRunDetail, 'the optimisation run'), ...versioned },
});

export const rankings = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/rankings',
  summary: "The entries' performance by mean normalised payout (best first, then by entry), each with its rank (ties share the better rank)",
  request: { params: runParams, query: z.object({ ...pageQuery(rankingsCursor) }).strict() },
  responses: {
    200: jsonContent(pageSchema(EntryPerformance).extend({ optimisationRunId: z.number().int(), freshness: Freshness }), 'a page of entries'),
    ...versioned,
  },
});

export const entry = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/entries/{entry}',
  summary: "One entry's performance and the distribution of its simulated outcomes",
  request: { params: z.object({ id: RunId, entry: EntryName }) },
  responses: { 200: jsonContent(EntryDetail, 'the entry'), ...versioned },
});

export const bids = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/bids',
  summary: 'The recommended bids, largest first',
  request: { params: runParams },
  responses: {
    200: jsonContent(
      z.object({
        optimisationRunId: z.number().int(),
        entry: z.string(),
        budget: z.number(),
        total: z.number(),
        items: z.array(RecommendedBid),
        freshness: Freshness,
      }),
      'the bids',
    ),
    ...versioned,
  },
});

export const report = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/investment-report',
  summary: 'Per team bid on: bid, ownership, expected points and payout, ROI; with totals',
  request: { params: runParams },
  responses: {
    200: jsonContent(
      z.object({
        optimisationRunId: z.number().int(),
        entry: z.string(),
        items: z.array(InvestmentRow),
        totals: PortfolioTotals,
        freshness: Freshness,
      }),
      'the report',
    ),
    ...versioned,
  },
});
