// Handlers for the models resource; versionJson is shared with the training-runs resource.
import { ApiError } from '../../../../api/errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import {
  insertModel,
  listModels,
  modelProductionVersion,
  modelVersions,
  productionVersions,
  resolveVersion,
  versionProvenance,
  type ModelVersionRow,
} from './models.queries.ts';
import type * as routes from './models.routes.ts';

export function versionJson({ modelId: _, ...v }: ModelVersionRow) {
  return { ...v, createdAt: iso(v.createdAt), promotedAt: isoOrNull(v.promotedAt) };
}

export function modelHandlers(db: Queryable, writer?: Queryable) {
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

  const create: AppRouteHandler<typeof routes.create> = async (c) => {
    if (!writer) throw new ApiError(503, 'registering models needs the registrar role (REGISTRAR_DATABASE_URL)');
    const body = c.req.valid('json');
    c.set('auditTarget', `models/${body.name}`);
    const made = await insertModel(writer, { ...body, createdBy: c.get('principal').keyId });
    if (!made) throw new ApiError(409, `a model named ${body.name} exists`);
    const { id: _, ...m } = made;
    return c.json({ ...m, createdAt: iso(m.createdAt), production: null }, 201);
  };

  const compare: AppRouteHandler<typeof routes.compare> = async (c) => {
    const { name } = c.req.valid('param');
    const { a, b } = c.req.valid('query');
    const [va, vb] = await Promise.all([resolveVersion(db, name, a), resolveVersion(db, name, b)]);
    if (!va || !vb) throw new ApiError(404, `model ${name} has no version "${!va ? a : b}"`);
    const [pa, pb] = await Promise.all([versionProvenance(db, va.trainingRunId), versionProvenance(db, vb.trainingRunId)]);
    const names = [...new Set([...Object.keys(pa.metrics), ...Object.keys(pb.metrics)])].sort();
    const metrics = names.map((n) => {
      const x = pa.metrics[n] ?? null;
      const y = pb.metrics[n] ?? null;
      return { name: n, a: x, b: y, delta: x === null || y === null ? null : x - y };
    });
    const side = (v: ModelVersionRow, p: typeof pa) => ({ version: versionJson(v), trainingRunId: v.trainingRunId, dataset: p.dataset, metrics: p.metrics });
    return c.json({ a: side(va, pa), b: side(vb, pb), metrics }, 200);
  };

  return { list, versions, production, create, compare };
}
