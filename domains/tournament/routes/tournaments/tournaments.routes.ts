// Calcutta tournaments for frontends, read from gold only: tournaments with their rules, teams with
// round-reaching probabilities and market predictions, and a tournament's optimisation runs.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, notFound, notModified, readErrors, Timestamp } from '../../../../api/openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../../../api/pagination.ts';
import { TEAM_SORTS, type TeamSort } from './tournaments.queries.ts';
import { OptimisationRun } from '../optimisation-runs/optimisation-runs.routes.ts';

const TournamentKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a tournament key of letters, digits, ".", "_" or "-"');
const Region = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u, 'must be a region name');
const Json = z.record(z.string(), z.unknown());

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
  summary: 'Tournaments, newest year first',
  request: { query: z.object({ ...pageQuery(tournamentCursor) }).strict() },
  responses: { 200: jsonContent(pageSchema(Tournament), 'a page of tournaments'), ...readErrors },
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
    200: jsonContent(z.object({ tournamentKey: z.string(), rounds: z.array(z.string()), items: z.array(TournamentTeam) }), 'the teams'),
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
  summary: "A tournament's optimisation runs, newest first",
  request: { params: keyParams, query: z.object({ ...pageQuery(optimisationRunCursor) }).strict() },
  responses: { 200: jsonContent(pageSchema(OptimisationRun), 'a page of optimisation runs'), ...readErrors, ...notFound },
});
