// Handlers for the models resource; versionJson is shared with the training-runs resource.
import { ApiError } from '../../../../api/errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { listModels, modelProductionVersion, modelVersions, productionVersions, type ModelVersionRow } from './models.queries.ts';
import type * as routes from './models.routes.ts';

export function versionJson({ modelId: _, ...v }: ModelVersionRow) {
  return { ...v, createdAt: iso(v.createdAt), promotedAt: isoOrNull(v.promotedAt) };
}

export function modelHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const [models, production] = await Promise.all([listModels(db), productionVersions(db)]);
    const byModel = new Map(production.map((v) => [v.modelId, v]));
    const items = models.map(({ id, ...m }) => {
      const prod = byModel.get(id);
      return { ...m, createdAt: iso(m.createdAt), production: prod ? versionJson(prod) : null };
    });
    return c.json({ items }, 200);
  };

  const versions: AppRouteHandler<typeof routes.versions> = async (c) => {
    const { name } = c.req.valid('param');
    const rows = await modelVersions(db, name);
    if (!rows) throw new ApiError(404, `no model ${name}`);
    return c.json({ items: rows.map(versionJson) }, 200);
  };

  const production: AppRouteHandler<typeof routes.production> = async (c) => {
    const { name } = c.req.valid('param');
    const version = await modelProductionVersion(db, name);
    if (!version) throw new ApiError(404, `model ${name} has no production version`);
    return c.json(versionJson(version), 200);
  };

  return { list, versions, production };
}
