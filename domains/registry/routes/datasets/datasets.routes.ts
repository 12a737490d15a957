// Datasets for data scientists: upload a CSV or Parquet file as a new content-addressed version
// (the body streams; over the size limit is 413 before anything is stored; a bad file is 422 with
// its line, column and reason), list, get, preview the first rows, per-column statistics, a
// presigned download link, and soft deletion with a retention period (restorable until then).
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors, Timestamp } from '../../../../api/openapi.ts';

export const DatasetName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lowercase letters, digits, ".", "_" or "-"');
const VersionRef = z.string().regex(/^(latest|[1-9]\d{0,8})$/, 'must be a version number or "latest"');

export const ColumnStats = z
  .object({
    name: z.string(),
    type: z.enum(['number', 'text', 'empty']),
    count: z.number().int(),
    nulls: z.number().int(),
    min: z.union([z.number(), z.string()]).nullable(),
    max: z.union([z.number(), z.string()]).nullable(),
    mean: z.number().nullable(),
    std: z.number().nullable(),
    quantiles: z.record(z.string(), z.number()).nullable().openapi({ description: 'p1, p5, p25, p50, p75, p95, p99' }),
    quantilesSampled: z.boolean().openapi({ description: 'quantiles from a uniform sample of 10,000 values, not every value' }),
    distinct: z.number().int().nullable(),
    distinctCapped: z.boolean().openapi({ description: 'more than 10,000 distinct values: `distinct` is a floor' }),
    top: z.array(z.object({ value: z.string(), count: z.number().int() })).nullable(),
  })
  .openapi('ColumnStats');

export const DatasetVersion = z
  .object({
    dataset: z.string(),
    version: z.number().int(),
    sha256: z.string().nullable().openapi({ description: 'of the stored bytes; null for snapshots recorded before content addressing' }),
    format: z.enum(['csv', 'parquet']).nullable(),
    sizeBytes: z.number().int().nullable(),
    rows: z.number().int(),
    columns: z.number().int(),
    source: z.string(),
    partitions: z.array(z.string()).nullable(),
    uri: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: Timestamp,
    purgedAt: Timestamp.nullable(),
  })
  .openapi('DatasetVersion');

const Dataset = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: Timestamp,
    deletedAt: Timestamp.nullable(),
    purgeAfter: Timestamp.nullable(),
    versions: z.number().int(),
    latestVersion: z.number().int().nullable(),
  })
  .openapi('Dataset');

const Uploaded = DatasetVersion.extend({ created: z.boolean().openapi({ description: 'false: these bytes were already this version' }) }).openapi(
  'UploadedDatasetVersion',
);

const tags = ['datasets'];
const readers = requireRole('reader');
const scientists = requireRole('data_scientist');
const byName = z.object({ name: DatasetName });
const byVersion = z.object({ name: DatasetName, version: VersionRef });
const unconfigured = { 503: errorResponse('storage or the registrar role is not configured on this API process') };

export const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Datasets, with their version counts',
  security: keyed,
  middleware: [readers] as const,
  request: { query: z.object({ deleted: z.enum(['true', 'false']).default('false').openapi({ description: 'include deleted datasets' }) }).strict() },
  responses: { 200: jsonContent(z.object({ items: z.array(Dataset) }), 'datasets'), ...readErrors },
});

export const one = createRoute({
  method: 'get',
  path: '/{name}',
  tags,
  summary: 'A dataset and its versions, newest first',
  security: keyed,
  middleware: [readers] as const,
  request: { params: byName },
  responses: { 200: jsonContent(Dataset.extend({ items: z.array(DatasetVersion) }), 'the dataset'), ...readErrors, ...notFound },
});

export const upload = createRoute({
  method: 'post',
  path: '/{name}/versions',
  tags,
  summary: 'Upload a file as a new version (the same bytes again are the same version)',
  description:
    'Send the file as the raw body with Content-Type text/csv or application/vnd.apache.parquet (or ?format=). A CSV needs a header line. ' +
    'Bodies over the upload limit are refused with 413 before anything is stored.',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: byName,
    query: z
      .object({
        format: z.enum(['csv', 'parquet']).optional().openapi({ description: 'overrides the Content-Type' }),
        description: z.string().max(1000, 'must be at most 1000 characters').optional(),
      })
      .strict(),
    body: {
      required: true,
      content: {
        'text/csv': { schema: z.string() },
        'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
  },
  responses: {
    200: jsonContent(Uploaded, 'these bytes were already a version of this dataset'),
    201: jsonContent(Uploaded, 'a new version'),
    ...readErrors,
    409: errorResponse('the dataset is deleted'),
    413: errorResponse('the body is over the upload limit'),
    415: errorResponse('neither CSV nor Parquet'),
    422: errorResponse('the file is not valid: details name the line, the column and the reason'),
    ...unconfigured,
  },
});

export const version = createRoute({
  method: 'get',
  path: '/{name}/versions/{version}',
  tags,
  summary: 'One version, with every column’s statistics',
  security: keyed,
  middleware: [readers] as const,
  request: { params: byVersion },
  responses: { 200: jsonContent(DatasetVersion.extend({ statistics: z.array(ColumnStats) }), 'the version'), ...readErrors, ...notFound },
});

export const statistics = createRoute({
  method: 'get',
  path: '/{name}/versions/{version}/statistics',
  tags,
  summary: 'Per-column statistics: count, nulls, min, max, mean, std, quantiles; distinct and top values for text',
  security: keyed,
  middleware: [readers] as const,
  request: { params: byVersion },
  responses: { 200: jsonContent(z.object({ rows: z.number().int(), items: z.array(ColumnStats) }), 'statistics'), ...readErrors, ...notFound },
});

export const preview = createRoute({
  method: 'get',
  path: '/{name}/versions/{version}/preview',
  tags,
  summary: 'The first rows (up to 50)',
  security: keyed,
  middleware: [readers] as const,
  request: {
    params: byVersion,
    query: z
      .object({
        limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-50').max(50, 'must be 1-50').default(20),
      })
      .strict(),
  },
  responses: {
    200: jsonContent(z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string().nullable())) }), 'rows as arrays, nulls as null'),
    ...readErrors,
    ...notFound,
  },
});

export const download = createRoute({
  method: 'get',
  path: '/{name}/versions/{version}/download',
  tags,
  summary: 'A presigned link to the file, valid until expiresAt',
  security: keyed,
  middleware: [readers] as const,
  request: { params: byVersion },
  responses: {
    200: jsonContent(z.object({ url: z.string(), expiresAt: Timestamp, sha256: z.string(), sizeBytes: z.number().int() }), 'the link'),
    ...readErrors,
    ...notFound,
    410: errorResponse('the file was purged, or never stored'),
    ...unconfigured,
  },
});

export const remove = createRoute({
  method: 'delete',
  path: '/{name}',
  tags,
  summary: 'Delete a dataset: hidden at once, restorable until the retention period ends, then its files go',
  security: keyed,
  middleware: [scientists] as const,
  request: { params: byName },
  responses: {
    200: jsonContent(z.object({ name: z.string(), deletedAt: Timestamp, purgeAfter: Timestamp }), 'deleted'),
    ...readErrors,
    ...notFound,
    ...unconfigured,
  },
});

export const restore = createRoute({
  method: 'post',
  path: '/{name}/restore',
  tags,
  summary: 'Undo a deletion before its files are purged',
  security: keyed,
  middleware: [scientists] as const,
  request: { params: byName },
  responses: {
    200: jsonContent(z.object({ name: z.string(), restored: z.literal(true) }), 'restored'),
    ...readErrors,
    ...notFound,
    409: errorResponse('not deleted, or already purged'),
    ...unconfigured,
  },
});
