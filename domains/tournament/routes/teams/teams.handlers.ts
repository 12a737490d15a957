// Handlers for a tournament's teams one at a time. Answers depend on the tournament's version (and,
// for owners, the optimisation run's) and its partition's freshness, which make their weak ETag;
// every answer carries that freshness (body and Last-Modified).
import { notModifiedSince } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader, freshnessTag } from '../../../../api/freshness.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { tournamentPipeline } from '../../pipeline.ts';
import { ROUNDS } from '../tournaments/tournaments.handlers.ts';
import { findMatchup, findTeam, likeliestOpponents, teamMatchups, teamOwners } from './teams.queries.ts';
import * as routes from './teams.routes.ts';

const noTournament = (key: string) => new ApiError(404, `no tournament ${key}`);
const noTeam = (key: string, team: string) => new ApiError(404, `no team ${team} in tournament ${key}`);
const tag = (key: string, version: string) => `tournament-${key}-${version}`;

export function teamHandlers(db: Queryable, options: { freshnessTtlMs?: number } = {}) {
  const freshness = new FreshnessReader(db, tournamentPipeline, options.freshnessTtlMs);

  const team: AppRouteHandler<typeof routes.team> = async (c) => {
    const { key, team: teamKey } = c.req.valid('param');
    const { run } = c.req.valid('query');
    const found = await findTeam(db, key, teamKey);
    if (!found) throw noTournament(key);
    if (!found.team) throw noTeam(key, teamKey);
    const owned = await teamOwners(db, key, teamKey, run);
    if (run !== undefined && !owned) throw new ApiError(404, `no optimisation run ${run} of tournament ${key}`);
    const fresh = await freshness.read([key]);
    const owners = owned ? `${owned.runId}-${owned.version}` : 'none';
    const cached = notModifiedSince(c, `${tag(key, found.version)}-${teamKey}-${owners}-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const { winsDistribution, simulatedWinsDistribution, simulations, ...t } = found.team;
    return c.json(
      {
        tournamentKey: key,
        ...t,
        rounds: [...ROUNDS],
        wins: { simulations, exact: winsDistribution, simulated: simulatedWinsDistribution },
        owners: owned ? { optimisationRunId: owned.runId, items: owned.owners } : null,
        freshness: fresh,
      },
      200,
    );
  };

  const matchups: AppRouteHandler<typeof routes.matchups> = async (c) => {
    const { key, team: teamKey } = c.req.valid('param');
    const q = c.req.valid('query');
    const after = q.cursor && { round: q.cursor[0], pMeet: q.cursor[1], teamKey: q.cursor[2] };
    const found = await teamMatchups(db, key, teamKey, q.round, after, q.limit + 1);
    if (!found) throw noTournament(key);
    if (!found.matchups) throw noTeam(key, teamKey);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `${tag(key, found.version)}-${teamKey}-matchups-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const page = pageOf(found.matchups, q.limit, routes.matchupCursor, (m) => [m.round, m.pMeet, m.teamKey] as const);
    return c.json({ tournamentKey: key, team: teamKey, ...page, freshness: fresh }, 200);
  };

  const pair: AppRouteHandler<typeof routes.pair> = async (c) => {
    const { key, a, b } = c.req.valid('param');
    // A rule the schema cannot state: 422, as the API answers such rules (README "The API").
    if (a === b) throw new ApiError(422, 'the request breaks a rule stated in the API document', [{ field: 'path.b', reason: 'must be another team than a' }]);
    const found = await findMatchup(db, key, a, b);
    if (!found) throw noTournament(key);
    if (!found.pair) throw new ApiError(404, `no pairing of ${a} and ${b} in tournament ${key}: both must be teams of it`);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `${tag(key, found.version)}-${a}-${b}-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const m = found.pair;
    return c.json({ tournamentKey: key, ...m, pBWins: 1 - m.pAWins, roundName: routes.MEETING_ROUNDS[m.round]!, freshness: fresh }, 200);
  };

  const path: AppRouteHandler<typeof routes.path> = async (c) => {
    const { key, team: teamKey } = c.req.valid('param');
    const found = await findTeam(db, key, teamKey);
    if (!found) throw noTournament(key);
    if (!found.team) throw noTeam(key, teamKey);
    const fresh = await freshness.read([key]);
    const cached = notModifiedSince(c, `${tag(key, found.version)}-${teamKey}-path-${freshnessTag(fresh)}`, fresh.lastModified);
    if (cached) return cached as never;
    const t = found.team;
    // P(playing in round r): the First Four (r = 0) and the round of 64 need nothing, or a play-in win.
    const pReach = (r: number) => (r === 0 ? 1 : r === 1 ? t.pRoundOf64 : t.pAdvance[r - 2]!);
    const pWin = (r: number) => (r === 0 ? t.pRoundOf64 : t.pAdvance[r - 1]!);
    const steps = (await likeliestOpponents(db, key, teamKey)).map(({ round, pWin: pWinIfMet, pMeet, ...opponent }) => ({
      round,
      roundName: routes.MEETING_ROUNDS[round]!,
      pReach: pReach(round),
      opponent,
      pOpponentThere: pReach(round) > 0 ? pMeet / pReach(round) : 0,
      pWinIfMet,
      pWin: pWin(round),
    }));
    return c.json({ tournamentKey: key, team: { teamKey: t.teamKey, name: t.name, region: t.region, seed: t.seed }, steps, freshness: fresh }, 200);
  };

  return { team, matchups, pair, path };
}
