// Handlers for the tournaments resource: validated input in, named queries, JSON out; a
// tournament and its teams answer 304 when the client holds their version.
import { notModifiedSince } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { optimisationRunJson } from '../optimisation-runs/optimisation-runs.handlers.ts';
import { findTournament, listTournaments, tournamentOptimisationRuns, tournamentTeams, type TournamentRow } from './tournaments.queries.ts';
import * as routes from './tournaments.routes.ts';

/** Round k (1-based) of pAdvance: the probability of winning at least k games. */
export const ROUNDS = ['round of 32', 'sweet 16', 'elite 8', 'final four', 'final', 'champion'] as const;

const tournamentJson = (t: TournamentRow) => ({
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

export function tournamentHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const rows = await listTournaments(db, q.cursor && { year: q.cursor[0], key: q.cursor[1] }, q.limit + 1);
    const page = pageOf(rows, q.limit, routes.tournamentCursor, (t) => [t.year, t.key] as const);
    return c.json({ items: page.items.map(tournamentJson), nextCursor: page.nextCursor }, 200);
  };

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { key } = c.req.valid('param');
    const t = await findTournament(db, key);
    if (!t) throw noTournament(key);
    const cached = notModifiedSince(c, tournamentTag(key, t.version));
    if (cached) return cached as never;
    return c.json({ ...tournamentJson(t), calcutta: t.calcutta, gameModel: t.gameModel }, 200);
  };

  const teams: AppRouteHandler<typeof routes.teams> = async (c) => {
    const { key } = c.req.valid('param');
    const { sort, region } = c.req.valid('query');
    const found = await tournamentTeams(db, key, sort, region);
    if (!found) throw noTournament(key);
    const cached = notModifiedSince(c, tournamentTag(key, found.version));
    if (cached) return cached as never;
    return c.json({ tournamentKey: key, rounds: [...ROUNDS], items: found.teams }, 200);
  };

  const optimisationRuns: AppRouteHandler<typeof routes.optimisationRuns> = async (c) => {
    const { key } = c.req.valid('param');
    const q = c.req.valid('query');
    const rows = await tournamentOptimisationRuns(db, key, q.cursor?.[0], q.limit + 1);
    if (!rows) throw noTournament(key);
    const page = pageOf(rows, q.limit, routes.optimisationRunCursor, (r) => [r.id] as const);
    return c.json({ items: page.items.map(optimisationRunJson), nextCursor: page.nextCursor }, 200);
  };

  return { list, one, teams, optimisationRuns };
}
