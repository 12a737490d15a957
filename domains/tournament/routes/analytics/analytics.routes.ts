// Seed 003's frontend paths, served as they are so that frontend works unchanged: tournaments by
// year (/api/v1/analytics/tournaments/2025), their runs, and a run's rankings in the seed's shape
// ({ entries: [{ rank, entry_key, mean_normalized_payout, … }] }). These are aliases of the /v1
// routes; new clients should use those (README, "The API").
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { Freshness } from '../../../../api/freshness.ts';
import { errorResponse, jsonContent, keyed, notFound, notModified, readErrors } from '../../../../api/openapi.ts';
import { pageQuery, pageSchema } from '../../../../api/pagination.ts';
import { rankingsCursor } from '../optimisation-runs/optimisation-runs.routes.ts';
import { optimisationRunCursor } from '../tournaments/tournaments.routes.ts';
import { OptimisationRun, RunId } from '../optimisation-runs/optimisation-runs.routes.ts';
import { TournamentDetail, Year } from '../tournaments/tournaments.routes.ts';

const SeedRanking = z
  .object({
    rank: z.number().int().openapi({ description: 'competition rank: ties share the better rank (1, 2, 2, 4)' }),
    entry_key: z.string(),
    ours: z.boolean(),
    mean_normalized_payout: z.number(),
    mean_payout: z.number(),
    p_top1: z.number().openapi({ description: 'P(finishing first)' }),
    mean_rank: z.number(),
    percentile_rank: z.number().openapi({ description: 'mean percentile: 1 for first, 0 for last' }),
  })
  .openapi('SeedRanking');

const base = { tags: ['seed 003 aliases'], security: keyed };
const readers = requireRole('reader');
const yearParams = z.object({ year: Year });
const ambiguous = { 409: errorResponse('several tournaments that year: address one by key under /v1/tournaments') } as const;

export const tournament = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{year}',
  summary: 'The tournament of a year (alias of /v1/tournaments/{key})',
  request: { params: yearParams },
  responses: { 200: jsonContent(TournamentDetail, 'the tournament'), ...notModified, ...readErrors, ...notFound, ...ambiguous },
});

export const runs = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{year}/runs',
  summary: "The optimisation runs of a year's tournament, newest first (alias of /v1/tournaments/{key}/optimisation-runs)",
  request: { params: yearParams, query: z.object({ ...pageQuery(optimisationRunCursor) }).strict() },
  responses: {
    200: jsonContent(pageSchema(OptimisationRun).extend({ freshness: Freshness }), 'a page of optimisation runs'),
    ...notModified,
    ...readErrors,
    ...notFound,
    ...ambiguous,
  },
});

export const rankings = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{year}/runs/{runId}/rankings',
  summary: "A run's entry rankings in seed 003's shape (alias of /v1/optimisation-runs/{id}/rankings)",
  request: { params: yearParams.extend({ runId: RunId }), query: z.object({ ...pageQuery(rankingsCursor) }).strict() },
  responses: {
    200: jsonContent(
      z.object({
        tournament_key: z.string(),
        year: z.number().int(),
        run_id: z.number().int(),
        entries: z.array(SeedRanking),
        nextCursor: z.string().nullable(),
        freshness: Freshness,
      }),
      'a page of rankings',
    ),
    ...notModified,
    ...readErrors,
    ...notFound,
    ...ambiguous,
  },
});
