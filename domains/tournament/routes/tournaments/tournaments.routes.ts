// Calcutta tournaments for frontends, read from gold only: tournaments with their rules, teams with
// round-reaching probabilities and market predictions, and a tournament's optimisation runs.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { Freshness } from '../../../../api/freshness.ts';
import { jsonContent, keyed, notFound, notModified, readErrors, Timestamp, unicodeText } from '../../../../api/openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../../../api/pagination.ts';
import { TEAM_SORTS, type TeamSort } from './tournaments.queries.ts';
import { OptimisationRun, OptimisationRunDetail } from '../optimisation-runs/optimisation-runs.routes.ts';

export const TournamentKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a tournament key of letters, digits, ".", "_" or "-"');
const Region = unicodeText(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u, 'must be a region name');
const Json = z.record(z.string(), z.unknown());
export const Year = z.coerce
  .number({ error: 'must be a year' })
  .int('must be a year')
  .min(1900, 'must be a year from 1900')
  .max(2200, 'must be a year up to 2200');
const Strategy = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a strategy name such as payout, first, top-3, mean-variance or imported')
  .openapi({ description: 'payout, first, top-N, mean-variance or imported' });

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
export const TournamentDetail = Tournament.extend({ calcutta: Json, gameModel: Json, freshness: Freshness }).openapi('TournamentDetail');
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
    playIn: z.boolean().openapi({ description: 'plays in the First Four' }),
    pRoundOf64: z.number().openapi({ description: 'P(playing in the round of 64): 1, or a First Four team’s chance of winning its play-in game' }),
  })
  .openapi('TournamentTeam');
const TeamSortParam = z.enum(Object.keys(TEAM_SORTS) as [TeamSort, ...TeamSort[]]);

const base = { tags: ['tournament'], security: keyed };
const readers = requireRole('reader');
const keyParams = z.object({ key: TournamentKey });
/** Tournaments run newest year first, then by key; a tournament's optimisation runs newest id first. */
export const tournamentCursor = cursorOf(cursorParts.year, cursorParts.text);
export const optimisationRunCursor = cursorOf(cursorParts.id);

export const list = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/',
  summary: 'Tournaments, newest year first; of one year with `year`',
  request: { query: z.object({ ...pageQuery(tournamentCursor), year: Year.optional() }).strict() },
  responses: { 200: jsonContent(pageSchema(Tournament).extend({ freshness: Freshness }), 'a page of tournaments'), ...notModified, ...readErrors },
});

export const one = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}',
  summary: 'A tournament with its calcutta rules, pool, game model and market method',
  request: { params: keyParams },
  responses: { 200: jsonContent(TournamentDetail, 'the tournament'), ...notModified, ...readErrors, ...notFound },
});

export const teams = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/teams',
  summary: "A tournament's teams: round-reaching probabilities, expected wins and points, value share, predicted share and price, actual bids",
  request: {
    params: keyParams,
    query: z
      .object({
        sort: TeamSortParam.default('seed').openapi({
          description: 'seed (ascending), name (ascending), or value, predicted_share, expected_points, predicted_price, actual_bids, rating (descending)',
        }),
        region: Region.optional(),
      })
      .strict(),
  },
  responses: {
    200: jsonContent(z.object({ tournamentKey: z.string(), rounds: z.array(z.string()), items: z.array(TournamentTeam), freshness: Freshness }), 'the teams'),
    ...notModified,
    ...readErrors,
    ...notFound,
  },
});

export const optimisationRuns = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/optimisation-runs',
  summary: "A tournament's optimisation runs (of one strategy with `strategy`), newest first",
  request: { params: keyParams, query: z.object({ ...pageQuery(optimisationRunCursor), strategy: Strategy.optional() }).strict() },
  responses: {
    200: jsonContent(pageSchema(OptimisationRun).extend({ freshness: Freshness }), 'a page of optimisation runs'),
    ...notModified,
    ...readErrors,
    ...notFound,
  },
});

export const latestRun = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/optimisation-runs/latest',
  summary:
    "The tournament's latest optimisation run (of one strategy with `strategy`): among the newest pipeline run's, the payout strategy's; then the most recently updated",
  request: { params: keyParams, query: z.object({ strategy: Strategy.optional() }).strict() },
  responses: { 200: jsonContent(OptimisationRunDetail, 'the optimisation run'), ...notModified, ...readErrors, ...notFound },
});
