// Handlers for datasets: reads through the read-only role, uploads and deletions through the
// registrar role, files through object storage.
import { ApiError } from '../../../../api/errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { DatasetFileError } from '../../../../lib/datasets/csv.ts';
import type { ColumnStats } from '../../../../lib/datasets/profile.ts';
import { overLimit, uploadBody } from '../../../../api/uploads.ts';
import { DatasetDeleted, storeDatasetVersion, type DatasetFormat } from '../../datasets/store.ts';
import {
  datasetVersionPreview,
  datasetVersions,
  findDataset,
  findDatasetVersion,
  findDatasetVersionById,
  listDatasets,
  markDatasetDeleted,
  restoreDataset,
  type DatasetRow,
  type DatasetVersionRow,
} from '../../sql/datasets.ts';
import type * as routes from './datasets.routes.ts';

const FORMATS: Record<string, DatasetFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
};

export function versionJson(v: DatasetVersionRow) {
  return {
    dataset: v.dataset,
    version: v.version,
    sha256: v.sha256,
    format: v.format,
    sizeBytes: v.sizeBytes,
    rows: v.rows,
    columns: v.columns.length,
    source: v.source,
    partitions: v.partitions,
    uri: v.objectUri,
    createdBy: v.createdBy,
    createdAt: iso(v.createdAt),
    purgedAt: isoOrNull(v.purgedAt),
  };
}

function datasetJson({ id: _, deletedBy: __, ...d }: DatasetRow) {
  return { ...d, createdAt: iso(d.createdAt), deletedAt: isoOrNull(d.deletedAt), purgeAfter: isoOrNull(d.purgeAfter) };
}

const versionNumber = (ref: string) => (ref === 'latest' ? undefined : Number(ref));

export function datasetHandlers(deps: AppDeps) {
  const db = deps.readPool;
  const configured = () => {
    if (!deps.writePool || !deps.storage) throw new ApiError(503, 'datasets need object storage and the registrar role (REGISTRAR_DATABASE_URL)');
    return { writer: deps.writePool, storage: deps.storage };
  };
  const mustFind = async (name: string, ref: string) => {
    const v = await findDatasetVersion(db, name, versionNumber(ref));
    if (!v) throw new ApiError(404, `no version ${ref} of dataset ${name}`);
    return v;
  };

  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const rows = await listDatasets(db, c.req.valid('query').deleted === 'true');
    return c.json({ items: rows.map(datasetJson) }, 200);
  };

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { name } = c.req.valid('param');
    const d = await findDataset(db, name);
    if (!d) throw new ApiError(404, `no dataset ${name}`);
    return c.json({ ...datasetJson(d), items: (await datasetVersions(db, d.id)).map(versionJson) }, 200);
  };

  const upload: AppRouteHandler<typeof routes.upload> = async (c) => {
    const { name } = c.req.valid('param');
    const query = c.req.valid('query');
    const { writer, storage } = configured();
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = query.format ?? FORMATS[type];
    if (!format)
      throw new ApiError(415, `send text/csv or application/vnd.apache.parquet (got ${type ? `"${type}"` : 'no Content-Type'}), or add ?format=csv|parquet`);
    const limit = storage.uploadMaxBytes;
    const body = uploadBody(c, limit, 'file');
    c.set('auditTarget', `datasets/${name}`);
    let stored;
    try {
      stored = await storeDatasetVersion(storage.objects, writer, {
        name,
        format,
        body,
        createdBy: c.get('principal').keyId,
        maxBytes: limit,
        description: query.description,
      });
    } catch (e) {
      if (e instanceof DatasetFileError) {
        throw new ApiError(422, `the file is not a valid ${format === 'csv' ? 'CSV' : 'Parquet'} file: ${e.message}`, [
          { field: e.location, reason: e.reason },
        ]);
      }
      if (e instanceof DatasetDeleted) throw new ApiError(409, e.message);
      throw overLimit(e, limit, 'file');
    }
    c.set('auditTarget', `datasets/${name}/versions/${stored.version}`);
    const v = (await findDatasetVersionById(writer, stored.id))!;
    return c.json({ ...versionJson(v), created: stored.created }, stored.created ? 201 : 200);
  };

  const version: AppRouteHandler<typeof routes.version> = async (c) => {
    const { name, version: ref } = c.req.valid('param');
    const v = await mustFind(name, ref);
    return c.json({ ...versionJson(v), statistics: v.columns as ColumnStats[] }, 200);
  };

  const statistics: AppRouteHandler<typeof routes.statistics> = async (c) => {
    const { name, version: ref } = c.req.valid('param');
    const v = await mustFind(name, ref);
    return c.json({ rows: v.rows, items: v.columns }, 200);
  };

  const preview: AppRouteHandler<typeof routes.preview> = async (c) => {
    const { name, version: ref } = c.req.valid('param');
    const v = await mustFind(name, ref);
    const rows = await datasetVersionPreview(db, v.id);
    return c.json({ columns: v.columns.map((col) => col.name), rows: rows.slice(0, c.req.valid('query').limit) }, 200);
  };

  const download: AppRouteHandler<typeof routes.download> = async (c) => {
    const { name, version: ref } = c.req.valid('param');
    const v = await mustFind(name, ref);
    if (!deps.storage) throw new ApiError(503, 'object storage is not configured on this API process');
    if (!v.objectKey || !v.sha256 || v.purgedAt) throw new ApiError(410, `${name} v${v.version} has no stored file${v.purgedAt ? ' (purged)' : ''}`);
    const link = await deps.storage.objects.presign(v.objectKey, {
      expiresInSeconds: deps.storage.urlExpirySeconds,
      filename: `${name}-v${v.version}.${v.format}`,
      baseUrl: deps.storage.publicUrl ?? new URL(c.req.url).origin,
    });
    return c.json({ url: link.url, expiresAt: iso(link.expiresAt), sha256: v.sha256, sizeBytes: v.sizeBytes ?? 0 }, 200);
  };

  const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
    const { name } = c.req.valid('param');
    const { writer, storage } = configured();
    c.set('auditTarget', `datasets/${name}`);
    const purgeAfter = await markDatasetDeleted(writer, name, c.get('principal').keyId, storage.retentionDays);
    if (!purgeAfter) throw new ApiError(404, `no dataset ${name} (or it is already deleted)`);
    return c.json({ name, deletedAt: iso(new Date()), purgeAfter: iso(purgeAfter) }, 200);
  };

  const restore: AppRouteHandler<typeof routes.restore> = async (c) => {
    const { name } = c.req.valid('param');
    const { writer } = configured();
    c.set('auditTarget', `datasets/${name}`);
    if (!(await findDataset(writer, name))) throw new ApiError(404, `no dataset ${name}`);
    if (!(await restoreDataset(writer, name))) throw new ApiError(409, `dataset ${name} is not deleted, or its files were already purged`);
    return c.json({ name, restored: true as const }, 200);
  };

  return { list, one, upload, version, statistics, preview, download, remove, restore };
}
