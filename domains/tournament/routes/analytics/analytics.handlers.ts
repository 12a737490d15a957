// Handlers for seed 003's paths: a year resolves to its one tournament (409 when a year has several),
// then the /v1 queries answer, the rankings renamed to the seed's fields. Every answer carries the
// tournament partition's freshness (body, ETag and Last-Modified) as the /v1 routes do.
import { notModifiedSince, revalidatedJson } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader, freshnessTag } from '../../../../api/freshness.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { tournamentPipeline } from '../../pipeline.ts';
import { optimisationRunJson } from '../optimisation-runs/optimisation-runs.handlers.ts';
import { findOptimisationRun, rankingsPage } from '../optimisation-runs/optimisation-runs.queries.ts';
import { tournamentJson } from '../tournaments/tournaments.handlers.ts';
import { findTournament, listTournaments, tournamentOptimisationRuns } from '../tournaments/tournaments.queries.ts';
import type * as routes from './analytics.routes.ts';
import { rankingsCursor } from '../optimisation-runs/optimisation-runs.routes.ts';
import { optimisationRunCursor } from '../tournaments/tournaments.routes.ts';

export function analyticsHandlers(db: Queryable, options: { freshnessTtlMs?: number } = {}) {
  const freshness = new FreshnessReader(db, tournamentPipeline, options.freshnessTtlMs);

  /** The key of the year's one tournament. */
  const keyOf = async (year: number): Promise<string> => {
    const found = await listTournaments(db, year, undefined, 3);
    if (!found.length) throw new ApiError(404, `no tournament in ${year}`);
    if (found.length > 1)
      throw new ApiError(409, `${year} has several tournaments (${found.map((t) => t.key).join(', ')}): address one by key under /v1/tournaments`);
    return found[0]!.key;
  };

  const tournament: AppRouteHandler<typeof routes.tournament> = async (c) => {
    const key = await keyOf(c.req.valid('param').year);
    const t = (await findTournament(db, key))!;
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `tournament-${key}-${t.version}-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const { version: _, calcutta, gameModel, ...rest } = t;
    return c.json({ ...tournamentJson(rest), calcutta, gameModel, freshness: fresh }, 200);
  };

  const runs: AppRouteHandler<typeof routes.runs> = async (c) => {
    const key = await keyOf(c.req.valid('param').year);
    const q = c.req.valid('query');
    const rows = (await tournamentOptimisationRuns(db, key, undefined, q.cursor?.[0], q.limit + 1)) ?? [];
    const page = pageOf(rows, q.limit, optimisationRunCursor, (r) => [r.id] as const);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, undefined, fresh.lastModified);
    if (cached) return cached as never;
    return revalidatedJson(c, { items: page.items.map(optimisationRunJson), nextCursor: page.nextCursor, freshness: fresh }) as never;
  };

  const rankings: AppRouteHandler<typeof routes.rankings> = async (c) => {
    const { year, runId } = c.req.valid('param');
    const key = await keyOf(year);
    const run = await findOptimisationRun(db, runId);
    if (!run || run.tournamentKey !== key) throw new ApiError(404, `no optimisation run ${runId} of the ${year} tournament (${key})`);
    const q = c.req.valid('query');
    const page = await rankingsPage(db, runId, q.cursor && { meanNormalisedPayout: q.cursor[0], entry: q.cursor[1] }, q.limit + 1);
    if (!page) throw new ApiError(404, `no optimisation run ${runId}`);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `optimisation-run-${runId}-${page.version}-seed-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const { items, nextCursor } = pageOf(page.entries, q.limit, rankingsCursor, (e) => [e.meanNormalisedPayout, e.entry] as const);
    const entries = items.map((e) => ({
      rank: e.rank,
      entry_key: e.entry,
      ours: e.ours,
      mean_normalized_payout: e.meanNormalisedPayout,
      mean_payout: e.meanPayout,
      p_top1: e.pFirst,
      mean_rank: e.meanRank,
      percentile_rank: e.meanPercentile,
    }));
    return c.json({ tournament_key: key, year, run_id: runId, entries, nextCursor, freshness: fresh }, 200);
  };

  return { tournament, runs, rankings };
}
