// Handlers for the tracking API: writes through the registrar role, artifacts through object storage.
import { ApiError } from '../../../../api/errors.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { overLimit, uploadBody } from '../../../../api/uploads.ts';
import { findDatasetVersion } from '../../sql/datasets.ts';
import {
  createTrackedRun,
  findArtifact,
  finishRun,
  logMetrics,
  logParams,
  recordArtifact,
  registerVersion,
  setTags as storeTags,
  trackedRun,
  TrackingRefused,
} from './tracking.queries.ts';
import type * as routes from './tracking.routes.ts';

async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof TrackingRefused) throw new ApiError(e.status, e.message, e.field ? [{ field: e.field, reason: e.message }] : undefined);
    throw e;
  }
}

export function trackingHandlers(deps: AppDeps) {
  const writer = () => {
    if (!deps.writePool) throw new ApiError(503, 'tracking needs the registrar role (REGISTRAR_DATABASE_URL)');
    return deps.writePool;
  };
  const storage = () => {
    if (!deps.storage) throw new ApiError(503, 'artifacts need object storage, which is not configured on this API process');
    return deps.storage;
  };

  const create: AppRouteHandler<typeof routes.create> = async (c) => {
    const body = c.req.valid('json');
    let datasetVersionId: number | undefined;
    if (body.dataset) {
      const v = await findDatasetVersion(deps.readPool, body.dataset.name, body.dataset.version);
      if (!v)
        throw new ApiError(422, 'the request names a dataset version that does not exist', [
          { field: 'dataset.version', reason: `dataset ${body.dataset.name} has no version ${body.dataset.version}` },
        ]);
      datasetVersionId = v.id;
    }
    const id = await createTrackedRun(writer(), { ...body, datasetVersionId, createdBy: c.get('principal').keyId });
    c.set('auditTarget', `training-runs/${id}`);
    return c.json({ id, model: body.model, status: 'running', startedAt: iso(new Date()) }, 201);
  };

  const params: AppRouteHandler<typeof routes.params> = async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    c.set('auditTarget', `training-runs/${id}`);
    await refusals(async () => {
      await trackedRun(writer(), id, { running: true });
      await logParams(writer(), id, body.params);
    });
    return c.json({ logged: Object.keys(body.params).length }, 200);
  };

  const metrics: AppRouteHandler<typeof routes.metrics> = async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    c.set('auditTarget', `training-runs/${id}`);
    await refusals(() => trackedRun(writer(), id, { running: true }));
    // Times normalised to UTC: an ISO offset beyond PostgreSQL's ±15:59 would otherwise be a server error.
    await logMetrics(
      writer(),
      id,
      body.metrics.map((m) => ({ ...m, timestamp: m.timestamp ? new Date(m.timestamp).toISOString() : undefined })),
    );
    return c.json({ logged: body.metrics.length }, 200);
  };

  const setTags: AppRouteHandler<typeof routes.setTags> = async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    c.set('auditTarget', `training-runs/${id}`);
    await refusals(() => trackedRun(writer(), id));
    await storeTags(writer(), id, body.tags);
    return c.json({ tagged: Object.keys(body.tags).length }, 200);
  };

  const artifact: AppRouteHandler<typeof routes.artifact> = async (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');
    const store = storage();
    c.set('auditTarget', `training-runs/${id}/artifacts/${path}`);
    const run = await refusals(() => trackedRun(writer(), id, { running: true }));
    const body = uploadBody(c, store.uploadMaxBytes, 'artifact');
    // "=" never appears in an artifact path, so "x=" (the object of path x) never names the folder of
    // path "x/y": stores backed by a filesystem (the local driver, S3 gateways on POSIX) keep both.
    const key = `runs/${run.model}/${id}/${path}=`;
    let info;
    try {
      info = await store.objects.put(key, body, {
        maxBytes: store.uploadMaxBytes,
        contentType: c.req.header('content-type'),
      });
    } catch (e) {
      throw overLimit(e, store.uploadMaxBytes, 'artifact');
    }
    const uri = store.objects.uri(key);
    await recordArtifact(writer(), { runId: id, path, key, uri, size: info.size, sha256: info.sha256!, contentType: c.req.header('content-type') ?? null });
    return c.json({ path, uri, sizeBytes: info.size, sha256: info.sha256! }, 201);
  };

  const artifactLink: AppRouteHandler<typeof routes.artifactLink> = async (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');
    const found = await findArtifact(deps.readPool, id, path);
    if (!found) throw new ApiError(404, `run ${id} has no artifact ${path}`);
    const store = storage();
    const link = await store.objects.presign(found.key, {
      expiresInSeconds: store.urlExpirySeconds,
      filename: path.split('/').pop(),
      baseUrl: store.publicUrl ?? new URL(c.req.url).origin,
    });
    return c.json({ url: link.url, expiresAt: iso(link.expiresAt), sha256: found.sha256, sizeBytes: found.size }, 200);
  };

  const finish: AppRouteHandler<typeof routes.finish> = async (c) => {
    const { id } = c.req.valid('param');
    const { status, error } = c.req.valid('json');
    c.set('auditTarget', `training-runs/${id}`);
    await refusals(async () => {
      await trackedRun(writer(), id);
      await finishRun(writer(), id, status, error);
    });
    return c.json({ id, status }, 200);
  };

  const register: AppRouteHandler<typeof routes.register> = async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    c.set('auditTarget', `training-runs/${id}`);
    const run = await refusals(() => trackedRun(writer(), id));
    const version = await refusals(() =>
      registerVersion(writer(), {
        runId: id,
        modelId: run.modelId,
        artifactPath: body.artifactPath,
        featureNames: body.featureNames,
        classes: body.classes ?? null,
        format: body.format ?? null,
        createdBy: c.get('principal').keyId,
      }),
    );
    c.set('auditTarget', `models/${run.model}/versions/${version}`);
    return c.json({ model: run.model, version }, 201);
  };

  return { create, params, metrics, setTags, artifact, artifactLink, finish, register };
}
