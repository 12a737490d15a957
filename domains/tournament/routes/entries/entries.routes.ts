// Any entry of an optimisation run, not only ours: its portfolio (teams, bids, ownership, expected
// points and payout), and the simulation explorer: the distribution of its payout as a histogram,
// and its outcomes simulation by simulation (keyset paginated).
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { Freshness } from '../../../../api/freshness.ts';
import { jsonContent, keyed, notFound, notModified, readErrors } from '../../../../api/openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../../../api/pagination.ts';
import { EntryName, PortfolioTotals, RunId } from '../optimisation-runs/optimisation-runs.routes.ts';

const PortfolioTeam = z
  .object({
    teamKey: z.string(),
    name: z.string(),
    region: z.string(),
    seed: z.number().int(),
    playIn: z.boolean(),
    bid: z.number(),
    totalBids: z.number(),
    ownership: z.number().openapi({ description: "the entry's share of the team: bid / total bids on it" }),
    pAdvance: z.array(z.number()).nullable(),
    expectedWins: z.number(),
    expectedTeamPoints: z.number(),
    expectedPoints: z.number(),
    expectedPayout: z.number(),
    roi: z.number().openapi({ description: 'expectedPayout / bid − 1' }),
  })
  .openapi('PortfolioTeam');
const Outcome = z
  .object({ simulation: z.number().int(), points: z.number(), payout: z.number(), normalisedPayout: z.number(), rank: z.number().int() })
  .openapi('EntryOutcome');

const base = { tags: ['tournament'], security: keyed };
const readers = requireRole('reader');
const entryParams = z.object({ id: RunId, entry: EntryName });
const versioned = { ...notModified, ...readErrors, ...notFound };

export const portfolio = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/entries/{entry}/portfolio',
  summary: "Any entry's portfolio in the run: per team its bid, ownership, expected points and payout, ROI; with totals",
  request: { params: entryParams },
  responses: {
    200: jsonContent(
      z.object({
        optimisationRunId: z.number().int(),
        entry: z.string(),
        ours: z.boolean(),
        items: z.array(PortfolioTeam),
        totals: PortfolioTotals,
        freshness: Freshness,
      }),
      'the portfolio',
    ),
    ...versioned,
  },
});

export const payouts = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/entries/{entry}/payouts',
  summary: "The distribution of an entry's payout over the run's simulations, as equal-width buckets from its least to its most",
  request: {
    params: entryParams,
    query: z
      .object({
        buckets: z.coerce
          .number({ error: 'must be a number of buckets 2–100' })
          .int('must be a number of buckets 2–100')
          .min(2, 'must be a number of buckets 2–100')
          .max(100, 'must be a number of buckets 2–100')
          .default(20),
      })
      .strict(),
  },
  responses: {
    200: jsonContent(
      z.object({
        optimisationRunId: z.number().int(),
        entry: z.string(),
        ours: z.boolean(),
        simulations: z.number().int(),
        min: z.number().nullable(),
        max: z.number().nullable(),
        pZero: z.number().openapi({ description: 'share of simulations paying nothing' }),
        buckets: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int(), share: z.number() })),
        freshness: Freshness,
      }),
      'the histogram',
    ),
    ...versioned,
  },
});

/** An entry's outcomes run in simulation order. */
export const outcomeCursor = cursorOf(cursorParts.id);

export const outcomes = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{id}/entries/{entry}/outcomes',
  summary: "An entry's outcome in each simulation (points, payout, normalised payout, rank), in simulation order",
  request: { params: entryParams, query: z.object({ ...pageQuery(outcomeCursor) }).strict() },
  responses: {
    200: jsonContent(pageSchema(Outcome).extend({ optimisationRunId: z.number().int(), entry: z.string(), freshness: Freshness }), 'a page of outcomes'),
    ...versioned,
  },
});
