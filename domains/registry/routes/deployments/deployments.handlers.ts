// Handlers for deploys, rollbacks, aliases and the history: writes through the registrar role,
// each carrying the key, its role and the request id into the promotion history.
import type { Context } from 'hono';
import { ApiError } from '../../../../api/errors.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppDeps, AppEnv } from '../../../../api/types.ts';
import { deployVersion, DeploymentRefused, modelAliases, promotionHistory, rollBack, setAlias as moveAlias, type Actor } from './deployments.queries.ts';
import type * as routes from './deployments.routes.ts';

const actor = (c: Context<AppEnv>): Actor => ({ keyId: c.get('principal').keyId, role: c.get('principal').role, requestId: c.get('requestId') });

async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DeploymentRefused) throw new ApiError(e.status, e.message, e.field ? [{ field: e.field, reason: e.message }] : undefined);
    throw e;
  }
}

export function deploymentHandlers(deps: AppDeps) {
  const writer = () => {
    if (!deps.writePool) throw new ApiError(503, 'deploying needs the registrar role (REGISTRAR_DATABASE_URL)');
    return deps.writePool;
  };

  const deploy: AppRouteHandler<typeof routes.deploy> = async (c) => {
    const { name } = c.req.valid('param');
    const { version, reason } = c.req.valid('json');
    c.set('auditTarget', `models/${name}/versions/${version}`);
    const change = await refusals(() => deployVersion(writer(), name, version, reason, actor(c)));
    return c.json({ model: name, ...change }, 200);
  };

  const rollback: AppRouteHandler<typeof routes.rollback> = async (c) => {
    const { name } = c.req.valid('param');
    const { reason, version } = c.req.valid('json');
    c.set('auditTarget', `models/${name}`);
    const change = await refusals(() => rollBack(writer(), name, reason, actor(c), version));
    c.set('auditTarget', `models/${name}/versions/${change.version}`);
    return c.json({ model: name, ...change }, 200);
  };

  const history: AppRouteHandler<typeof routes.history> = async (c) => {
    const { name } = c.req.valid('param');
    const rows = await promotionHistory(deps.readPool, name, c.req.valid('query').limit);
    if (!rows) throw new ApiError(404, `no model ${name}`);
    return c.json({ items: rows.map((r) => ({ ...r, at: iso(r.at) })) }, 200);
  };

  const aliases: AppRouteHandler<typeof routes.aliases> = async (c) => {
    const { name } = c.req.valid('param');
    const rows = await modelAliases(deps.readPool, name);
    if (!rows) throw new ApiError(404, `no model ${name}`);
    return c.json({ items: rows.map((r) => ({ ...r, updatedAt: iso(r.updatedAt) })) }, 200);
  };

  const setAlias: AppRouteHandler<typeof routes.setAlias> = async (c) => {
    const { name, alias } = c.req.valid('param');
    const { version, reason } = c.req.valid('json');
    c.set('auditTarget', `models/${name}/aliases/${alias}`);
    const { previous } = await refusals(() => moveAlias(writer(), name, alias, version, reason, actor(c)));
    return c.json({ model: name, alias, version, previous }, 200);
  };

  const removeAlias: AppRouteHandler<typeof routes.removeAlias> = async (c) => {
    const { name, alias } = c.req.valid('param');
    c.set('auditTarget', `models/${name}/aliases/${alias}`);
    await refusals(() => moveAlias(writer(), name, alias, null, c.req.valid('query').reason, actor(c)));
    return c.json({ model: name, alias, removed: true as const }, 200);
  };

  return { deploy, rollback, history, aliases, setAlias, removeAlias };
}
