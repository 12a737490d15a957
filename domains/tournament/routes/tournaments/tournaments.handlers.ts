// Handlers for the tournaments resource: validated input in, named queries, JSON out; a
// tournament and its teams answer 304 when the client holds their version, lists when it holds the
// same body. Every answer carries the freshness of the tournament partitions it comes from.
import { notModifiedSince, revalidatedJson } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader, freshnessTag } from '../../../../api/freshness.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { tournamentPipeline } from '../../pipeline.ts';
import { optimisationRunJson } from '../optimisation-runs/optimisation-runs.handlers.ts';
import {
  findTournament,
  latestOptimisationRun,
  listTournaments,
  tournamentOptimisationRuns,
  tournamentTeams,
  type TournamentRow,
} from './tournaments.queries.ts';
import * as routes from './tournaments.routes.ts';

/** Round k (1-based) of pAdvance: the probability of winning at least k games. */
export const ROUNDS = ['round of 32', 'sweet 16', 'elite 8', 'final four', 'final', 'champion'] as const;

export const tournamentJson = (t: TournamentRow) => ({
  key: t.key,
  name: t.name,
  year: t.year,
  teams: t.teams,
  entries: t.entries,
  pool: t.pool,
  marketMethod: t.marketMethod,
  simulations: t.simulations,
  updatedAt: iso(t.updatedAt),
});
const noTournament = (key: string) => new ApiError(404, `no tournament ${key}`);
const tournamentTag = (key: string, version: string) => `tournament-${key}-${version}`;

export function tournamentHandlers(db: Queryable, options: { freshnessTtlMs?: number } = {}) {
  const freshness = new FreshnessReader(db, tournamentPipeline, options.freshnessTtlMs);

  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const rows = await listTournaments(db, q.year, q.cursor && { year: q.cursor[0], key: q.cursor[1] }, q.limit + 1);
    const page = pageOf(rows, q.limit, routes.tournamentCursor, (t) => [t.year, t.key] as const);
    const fresh = await freshness.read(page.items.map((t) => t.key));
    const cached = notModifiedSince(c, undefined, fresh.lastModified);
    if (cached) return cached as never;
    return revalidatedJson(c, { items: page.items.map(tournamentJson), nextCursor: page.nextCursor, freshness: fresh }) as never;
  };

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { key } = c.req.valid('param');
    const t = await findTournament(db, key);
    if (!t) throw noTournament(key);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `${tournamentTag(key, t.version)}-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    return c.json({ ...tournamentJson(t), calcutta: t.calcutta, gameModel: t.gameModel, freshness: fresh }, 200);
  };

  const teams: AppRouteHandler<typeof routes.teams> = async (c) => {
    const { key } = c.req.valid('param');
    const { sort, region } = c.req.valid('query');
    const found = await tournamentTeams(db, key, sort, region);
    if (!found) throw noTournament(key);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `${tournamentTag(key, found.version)}-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    return c.json({ tournamentKey: key, rounds: [...ROUNDS], items: found.teams, freshness: fresh }, 200);
  };

  const optimisationRuns: AppRouteHandler<typeof routes.optimisationRuns> = async (c) => {
    const { key } = c.req.valid('param');
    const q = c.req.valid('query');
    const rows = await tournamentOptimisationRuns(db, key, q.strategy, q.cursor?.[0], q.limit + 1);
    if (!rows) throw noTournament(key);
    const page = pageOf(rows, q.limit, routes.optimisationRunCursor, (r) => [r.id] as const);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, undefined, fresh.lastModified);
    if (cached) return cached as never;
    return revalidatedJson(c, { items: page.items.map(optimisationRunJson), nextCursor: page.nextCursor, freshness: fresh }) as never;
  };

  const latestRun: AppRouteHandler<typeof routes.latestRun> = async (c) => {
    const { key } = c.req.valid('param');
    const { strategy } = c.req.valid('query');
    const found = await latestOptimisationRun(db, key, strategy);
    if (!found) throw noTournament(key);
    if (!found.run) throw new ApiError(404, `tournament ${key} has no optimisation run${strategy ? ` of strategy ${strategy}` : ''}`);
    const run = found.run;
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `optimisation-run-${run.id}-${run.version}-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const { params, baselines, pipelineRunId } = run;
    return c.json({ ...optimisationRunJson(run), params, baselines, pipelineRunId, freshness: fresh }, 200);
  };

  return { list, one, teams, optimisationRuns, latestRun };
}
