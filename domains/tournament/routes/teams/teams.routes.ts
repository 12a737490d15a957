// A tournament's teams one at a time, for team detail and matchup views: a team's round
// probabilities, value, distribution of games won (exact and simulated) and owners in a run; its
// matchups with every opponent; one pairing; and its most likely path through the bracket.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { Freshness } from '../../../../api/freshness.ts';
import { errorResponse, jsonContent, keyed, notFound, notModified, readErrors } from '../../../../api/openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../../../api/pagination.ts';
import { RunId } from '../optimisation-runs/optimisation-runs.routes.ts';
import { TournamentKey } from '../tournaments/tournaments.routes.ts';

export const TeamKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a team key of letters, digits, ".", "_" or "-"');

/** Meeting rounds: 0 is the First Four, 1 the round of 64, …, 6 the final. */
export const MEETING_ROUNDS = ['First Four', 'round of 64', 'round of 32', 'sweet 16', 'elite 8', 'final four', 'final'] as const;

const TeamRef = z.object({ teamKey: z.string(), name: z.string(), region: z.string(), seed: z.number().int() }).openapi('TeamRef');
const TeamDetail = z
  .object({
    tournamentKey: z.string(),
    teamKey: z.string(),
    name: z.string(),
    region: z.string(),
    seed: z.number().int(),
    rating: z.number(),
    playIn: z.boolean().openapi({ description: 'plays in the First Four' }),
    pRoundOf64: z.number().openapi({ description: 'P(playing in the round of 64): 1, or a First Four team’s chance of winning its play-in game' }),
    pAdvance: z.array(z.number()).openapi({ description: 'P(winning at least k games of the 64-team bracket), k = 1..6' }),
    rounds: z.array(z.string()),
    expectedWins: z.number().openapi({ description: 'expected games won, a First Four game included' }),
    expectedPoints: z.number(),
    valueShare: z.number(),
    expectedPayout: z.number().openapi({ description: 'valueShare × the pool: what the whole team is expected to pay out' }),
    predictedShare: z.number(),
    predictedPrice: z.number(),
    actualBids: z.number(),
    wins: z
      .object({
        simulations: z.number().int(),
        exact: z.array(z.number()),
        simulated: z.array(z.number()),
      })
      .openapi({ description: 'P(exactly k games won), k = 0.., exact and over the simulations (the simulation explorer)' }),
    owners: z
      .object({
        optimisationRunId: z.number().int(),
        items: z.array(z.object({ entry: z.string(), ours: z.boolean(), bid: z.number(), ownership: z.number(), expectedPayout: z.number(), roi: z.number() })),
      })
      .nullable()
      .openapi({ description: 'who owns the team in the optimisation run (the latest unless `run` is given); null when the tournament has none' }),
    freshness: Freshness,
  })
  .openapi('TeamDetail');
const Matchup = TeamRef.extend({
  round: z.number().int().openapi({ description: '0 = First Four, 1 = round of 64, …, 6 = final' }),
  pWin: z.number().openapi({ description: 'P(the team beats this opponent) if they meet' }),
  pMeet: z.number().openapi({ description: 'P(they meet): each reaches that round' }),
}).openapi('Matchup');
const Pair = z
  .object({
    tournamentKey: z.string(),
    a: TeamRef,
    b: TeamRef,
    pAWins: z.number(),
    pBWins: z.number(),
    round: z.number().int(),
    roundName: z.string(),
    pMeet: z.number(),
    freshness: Freshness,
  })
  .openapi('MatchupPair');
const PathStep = z
  .object({
    round: z.number().int(),
    roundName: z.string(),
    pReach: z.number().openapi({ description: 'P(the team plays in this round)' }),
    opponent: TeamRef,
    pOpponentThere: z.number().openapi({ description: 'P(this opponent plays the team in this round | the team got there)' }),
    pWinIfMet: z.number(),
    pWin: z.number().openapi({ description: 'P(the team wins this round): its chance of getting past it, whoever it meets' }),
  })
  .openapi('PathStep');

const base = { tags: ['tournament'], security: keyed };
const readers = requireRole('reader');
const teamParams = z.object({ key: TournamentKey, team: TeamKey });
const versioned = { ...notModified, ...readErrors, ...notFound };

export const team = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/teams/{team}',
  summary: 'One team: round probabilities, value, distribution of games won, and who owns it in a run',
  request: { params: teamParams, query: z.object({ run: RunId.optional().openapi({ description: 'optimisation run id (default: the latest)' }) }).strict() },
  responses: { 200: jsonContent(TeamDetail, 'the team'), ...versioned },
});

/** A team's matchups run by round, then likeliest meeting first, then by opponent. */
const meetingRound = { pattern: '[0-6]', encode: String, decode: Number };
export const matchupCursor = cursorOf(meetingRound, cursorParts.float, cursorParts.text);

export const matchups = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/teams/{team}/matchups',
  summary: "A team's matchups with every opponent: P(win), the round they would meet in and P(meeting); by round, likeliest first",
  request: {
    params: teamParams,
    query: z
      .object({
        ...pageQuery(matchupCursor),
        round: z.coerce
          .number({ error: 'must be a round 0–6' })
          .int('must be a round 0–6')
          .min(0, 'must be a round 0–6')
          .max(6, 'must be a round 0–6')
          .optional(),
      })
      .strict(),
  },
  responses: {
    200: jsonContent(pageSchema(Matchup).extend({ tournamentKey: z.string(), team: z.string(), freshness: Freshness }), 'a page of matchups'),
    ...versioned,
  },
});

export const pair = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/matchups/{a}/{b}',
  summary: 'P(a beats b) for any pair of teams, the round they would meet in and P(meeting)',
  request: { params: z.object({ key: TournamentKey, a: TeamKey, b: TeamKey }) },
  responses: { 200: jsonContent(Pair, 'the pairing'), ...versioned, 422: errorResponse('a and b are the same team') },
});

export const path = createRoute({
  ...base,
  middleware: [readers] as const,
  method: 'get',
  path: '/{key}/teams/{team}/path',
  summary: "A team's most likely path: in each round, the opponent it is most likely to meet",
  request: { params: teamParams },
  responses: {
    200: jsonContent(z.object({ tournamentKey: z.string(), team: TeamRef, steps: z.array(PathStep), freshness: Freshness }), 'the path'),
    ...versioned,
  },
});
