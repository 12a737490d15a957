// Handlers for any entry of an optimisation run: 404 for an unknown run or entry, a weak ETag of
// the run's version (a re-run replaces an entry's rows and moves it) and of its tournament
// partition's freshness, which every answer carries (body and Last-Modified).
import type { Context } from 'hono';
import { notModifiedSince } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader, freshnessTag } from '../../../../api/freshness.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { tournamentPipeline } from '../../pipeline.ts';
import { portfolioTotals } from '../optimisation-runs/optimisation-runs.handlers.ts';
import { entryOutcomes, entryPortfolio, payoutHistogram } from './entries.queries.ts';
import * as routes from './entries.routes.ts';

/** The found rows, or the 404 that says which of run and entry is missing. */
function rowsOf<T>(found: { rows: T[] | null } | undefined, id: number, entry: string): T[] {
  if (!found) throw new ApiError(404, `no optimisation run ${id}`);
  if (!found.rows) throw new ApiError(404, `no entry ${entry} in optimisation run ${id}`);
  return found.rows;
}
const tag = (id: number, version: string, entry: string, what: string) =>
  `optimisation-run-${id}-${version}-${Buffer.from(entry).toString('base64url')}-${what}`;

export function entryHandlers(db: Queryable, options: { freshnessTtlMs?: number } = {}) {
  const freshness = new FreshnessReader(db, tournamentPipeline, options.freshnessTtlMs);
  /** The run's tournament freshness, and the 304 when the client holds this answer already. */
  const revalidate = async (c: Context, found: { tournamentKey: string }, tagged: string) => {
    const fresh = await freshness.read([found.tournamentKey]);
    return { fresh, cached: notModifiedSince(c, `${tagged}-${freshnessTag(fresh)}`, fresh.lastModified) };
  };

  const portfolio: AppRouteHandler<typeof routes.portfolio> = async (c) => {
    const { id, entry } = c.req.valid('param');
    const found = await entryPortfolio(db, id, entry);
    const items = rowsOf(found, id, entry);
    const { fresh, cached } = await revalidate(c, found!, tag(id, found!.version, entry, 'portfolio'));
    if (cached) return cached as never;
    return c.json({ optimisationRunId: id, entry, ours: found!.ours, items, totals: portfolioTotals(items), freshness: fresh }, 200);
  };

  const payouts: AppRouteHandler<typeof routes.payouts> = async (c) => {
    const { id, entry } = c.req.valid('param');
    const { buckets } = c.req.valid('query');
    const found = await payoutHistogram(db, id, entry, buckets);
    const rows = rowsOf(found, id, entry);
    const { fresh, cached } = await revalidate(c, found!, tag(id, found!.version, entry, `payouts-${buckets}`));
    if (cached) return cached as never;
    const { simulations, min, max, zero, ours } = found!;
    return c.json(
      {
        optimisationRunId: id,
        entry,
        ours,
        simulations,
        min,
        max,
        pZero: simulations ? zero / simulations : 0,
        buckets: rows.map((b) => ({ ...b, share: simulations ? b.count / simulations : 0 })),
        freshness: fresh,
      },
      200,
    );
  };

  const outcomes: AppRouteHandler<typeof routes.outcomes> = async (c) => {
    const { id, entry } = c.req.valid('param');
    const q = c.req.valid('query');
    const found = await entryOutcomes(db, id, entry, q.cursor?.[0], q.limit + 1);
    const rows = rowsOf(found, id, entry);
    const { fresh, cached } = await revalidate(c, found!, tag(id, found!.version, entry, `outcomes-${q.limit}-${q.cursor?.[0] ?? ''}`));
    if (cached) return cached as never;
    return c.json({ optimisationRunId: id, entry, ...pageOf(rows, q.limit, routes.outcomeCursor, (o) => [o.simulation] as const), freshness: fresh }, 200);
  };

  return { portfolio, payouts, outcomes };
}
