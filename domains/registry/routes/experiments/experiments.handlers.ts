// Handler for /v1/experiments: experiments newest first, each with its runs in the order added.
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { experimentRuns, listExperiments } from './experiments.queries.ts';
import type * as routes from './experiments.routes.ts';

export function experimentHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const [experiments, runs] = await Promise.all([listExperiments(db), experimentRuns(db)]);
    const items = experiments.map((e) => ({
      ...e,
      createdAt: iso(e.createdAt),
      runs: runs.filter((r) => r.experimentId === e.id).map(({ experimentId: _, ...r }) => r),
    }));
    return c.json({ items }, 200);
  };
  return { list };
}
