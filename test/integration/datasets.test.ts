// Datasets through the API: content-addressed versions of CSV and Parquet uploads, statistics,
// previews, presigned downloads, refusals that leave nothing stored, soft deletion with a
// retention period and the purge after it, and one audit entry per write.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { purgeDeletedDatasets } from '../../domains/registry/datasets/purge.ts';
import { testApp } from '../support/app.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
let scientist: string;
let reader: string;
let scientistId: string;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = testApp(stack, { retentionDays: 7 });
  const made = await createApiKey(stack.pools.owner, { name: 'scientist', role: 'data_scientist' });
  scientist = made.token;
  scientistId = made.id;
  reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
});
afterAll(() => stack?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function upload(name: string, body: RequestInit['body'], type = 'text/csv', token = scientist, query = '') {
  return app.request(`/v1/datasets/${name}/versions${query}`, { method: 'POST', headers: { ...auth(token), 'content-type': type }, body });
}

async function stored(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of stack.storage.list(prefix)) keys.push(o.key);
  return keys;
}

const IRIS = [
  'sepal_length,sepal_width,species,note',
  '5.1,3.5,setosa,',
  '4.9,3.0,setosa,"first ""quoted"""',
  '7.0,3.2,versicolor,NA',
  '6.4,3.2,versicolor,',
  '6.3,3.3,virginica,"a, b"',
  '5.8,2.7,virginica,',
].join('\n');

describe('uploading a CSV', () => {
  it('stores a new content-addressed version with per-column statistics', async () => {
    const res = await upload('iris', IRIS);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      dataset: 'iris',
      version: 1,
      created: true,
      sha256: sha256(IRIS),
      format: 'csv',
      rows: 6,
      columns: 4,
      sizeBytes: IRIS.length,
    });
    expect(await stored('datasets/iris/')).toEqual([`datasets/iris/${sha256(IRIS)}.csv`]);
    expect(await stored('staging/')).toEqual([]);

    const stats = (await (await app.request('/v1/datasets/iris/versions/1/statistics', { headers: auth(reader) })).json()) as { rows: number; items: any[] };
    expect(stats.rows).toBe(6);
    const [length, width, species, note] = stats.items;
    const values = [5.1, 4.9, 7.0, 6.4, 6.3, 5.8];
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    expect(length).toMatchObject({ name: 'sepal_length', type: 'number', count: 6, nulls: 0, min: 4.9, max: 7.0, quantilesSampled: false });
    expect(length.mean).toBeCloseTo(mean, 12);
    expect(length.std).toBeCloseTo(std, 12);
    expect(length.quantiles.p50).toBeCloseTo(6.05, 12);
    expect(width).toMatchObject({ type: 'number', min: 2.7, max: 3.5 });
    expect(species).toMatchObject({ type: 'text', count: 6, distinct: 3, distinctCapped: false, min: 'setosa', max: 'virginica' });
    expect(species.top).toEqual([
      { value: 'setosa', count: 2 },
      { value: 'versicolor', count: 2 },
      { value: 'virginica', count: 2 },
    ]);
    expect(note).toMatchObject({ type: 'text', count: 2, nulls: 4 });
  });

  it('treats the same bytes as the same version, and new bytes as the next one', async () => {
    const again = await upload('iris', IRIS);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ version: 1, created: false });
    const changed = `${IRIS}\n6.9,3.1,virginica,`;
    const next = await upload('iris', changed);
    expect(next.status).toBe(201);
    expect(await next.json()).toMatchObject({ version: 2, sha256: sha256(changed), rows: 7 });
    const listing = (await (await app.request('/v1/datasets/iris', { headers: auth(reader) })).json()) as { items: { version: number }[]; versions: number };
    expect(listing.versions).toBe(2);
    expect(listing.items.map((v) => v.version)).toEqual([2, 1]);
  });

  it('previews the first rows and hands out a download link that returns the same bytes', async () => {
    const preview = (await (await app.request('/v1/datasets/iris/versions/1/preview?limit=3', { headers: auth(reader) })).json()) as any;
    expect(preview.columns).toEqual(['sepal_length', 'sepal_width', 'species', 'note']);
    expect(preview.rows).toEqual([
      ['5.1', '3.5', 'setosa', null],
      ['4.9', '3.0', 'setosa', 'first "quoted"'],
      ['7.0', '3.2', 'versicolor', null],
    ]);
    const link = (await (await app.request('/v1/datasets/iris/versions/latest/download', { headers: auth(reader) })).json()) as any;
    expect(link.sha256).toBe(sha256(`${IRIS}\n6.9,3.1,virginica,`));
    const file = await app.request(new URL(link.url).pathname);
    expect(file.status).toBe(200);
    expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(link.sha256);
  });

  it('refuses a malformed CSV with its line and column, and stores nothing', async () => {
    const bad = 'a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n';
    const res = await upload('broken', bad);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as any;
    expect(error.details).toEqual([{ field: 'line 4, column 3 ("c")', reason: 'the row has 2 values, the header 3 columns: this one is missing' }]);
    expect(error.message).toContain('line 4, column 3');
    const quote = await upload('broken', 'a,b\n1,"x"y\n');
    expect(((await quote.json()) as any).error.details[0].field).toBe('line 2, column 2 ("b")');
    expect((await app.request('/v1/datasets/broken', { headers: auth(reader) })).status).toBe(404);
    expect(await stored('datasets/broken/')).toEqual([]);
    expect(await stored('staging/')).toEqual([]);
  });

  it('refuses an upload over the limit with 413, declared or streamed, and stores nothing', async () => {
    const small = testApp(stack, { uploadMaxBytes: 1024 });
    const big = `x,y\n${'1,2\n'.repeat(600)}`;
    const declared = await small.request('/v1/datasets/large/versions', {
      method: 'POST',
      headers: { ...auth(scientist), 'content-type': 'text/csv', 'content-length': String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    const streamed = await small.request('/v1/datasets/large/versions', {
      method: 'POST',
      headers: { ...auth(scientist), 'content-type': 'text/csv' },
      body: Readable.toWeb(Readable.from([Buffer.from('x,y\n'), ...Array.from({ length: 50 }, () => Buffer.from('1,2\n'.repeat(20)))])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await app.request('/v1/datasets/large', { headers: auth(reader) })).status).toBe(404);
    expect(await stored('')).not.toContainEqual(expect.stringMatching(/large|staging/));
  });

  it('lets a reader read datasets but not upload or delete them', async () => {
    expect((await upload('iris', IRIS, 'text/csv', reader)).status).toBe(403);
    expect((await app.request('/v1/datasets/iris', { method: 'DELETE', headers: auth(reader) })).status).toBe(403);
    expect((await app.request('/v1/datasets', { headers: auth(reader) })).status).toBe(200);
  });

  it('answers 415 for a body that is neither CSV nor Parquet', async () => {
    const res = await upload('iris', '{"a":1}', 'application/json');
    expect(res.status).toBe(415);
  });
});

describe('uploading Parquet', () => {
  it('reads the columns and their statistics, and refuses a file that is not Parquet', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'reading', data: [1.5, 2.5, null, 4.5], type: 'DOUBLE' },
        { name: 'label', data: ['walk', 'run', 'walk', 'walk'], type: 'STRING' },
      ],
    });
    const res = await upload('sensor-export', Buffer.from(buffer), 'application/vnd.apache.parquet');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ format: 'parquet', rows: 4, columns: 2, sha256: sha256(Buffer.from(buffer)) });
    const stats = (await (await app.request('/v1/datasets/sensor-export/versions/1', { headers: auth(reader) })).json()) as any;
    expect(stats.statistics[0]).toMatchObject({ name: 'reading', type: 'number', count: 3, nulls: 1, min: 1.5, max: 4.5, mean: 2.8333333333333335 });
    expect(stats.statistics[1]).toMatchObject({
      name: 'label',
      type: 'text',
      distinct: 2,
      top: [
        { value: 'walk', count: 3 },
        { value: 'run', count: 1 },
      ],
    });

    const bad = await upload('sensor-export', Buffer.from('PAR1 this is not really parquet PAR1'), 'application/vnd.apache.parquet');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).error.message).toMatch(/not a readable Parquet file/);
    expect(await stored('staging/')).toEqual([]);
    expect(await stored('datasets/sensor-export/')).toHaveLength(1);
  });
});

describe('deleting a dataset', () => {
  it('hides it at once, restores it within the retention period, and purges its files after', async () => {
    await upload('scratch', 'a\n1\n');
    const del = await app.request('/v1/datasets/scratch', { method: 'DELETE', headers: auth(scientist) });
    expect(del.status).toBe(200);
    const { purgeAfter } = (await del.json()) as { purgeAfter: string };
    expect(Date.parse(purgeAfter) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const names = async () =>
      ((await (await app.request('/v1/datasets', { headers: auth(reader) })).json()) as { items: { name: string }[] }).items.map((d) => d.name);
    expect(await names()).not.toContain('scratch');
    expect((await upload('scratch', 'a\n2\n')).status).toBe(409);

    expect((await app.request('/v1/datasets/scratch/restore', { method: 'POST', headers: auth(scientist) })).status).toBe(200);
    expect(await names()).toContain('scratch');

    await app.request('/v1/datasets/scratch', { method: 'DELETE', headers: auth(scientist) });
    expect(await purgeDeletedDatasets(stack.storage, stack.pools.worker, new Date())).toBe(0);
    expect(await stored('datasets/scratch/')).toHaveLength(1);
    expect(await purgeDeletedDatasets(stack.storage, stack.pools.worker, new Date(Date.now() + 8 * 86_400_000))).toBe(1);
    expect(await stored('datasets/scratch/')).toEqual([]);
    const version = (await (await app.request('/v1/datasets/scratch/versions/1', { headers: auth(reader) })).json()) as any;
    expect(version.purgedAt).not.toBeNull();
    expect(version.sha256).toBe(sha256('a\n1\n'));
    expect((await app.request('/v1/datasets/scratch/versions/1/download', { headers: auth(reader) })).status).toBe(410);
    expect((await app.request('/v1/datasets/scratch/restore', { method: 'POST', headers: auth(scientist) })).status).toBe(409);
  });
});

describe('the audit log', () => {
  it('has exactly one entry per write this file made, with key, role, action, target and request id', async () => {
    const { rows } = await stack.pools.owner.query(
      `SELECT key_id, role, action, target, status, request_id FROM audit.api_writes WHERE key_id = $1 ORDER BY id`,
      [scientistId],
    );
    const uploads = rows.filter((r) => r.action === 'POST /v1/datasets/{name}/versions');
    expect(uploads.length).toBeGreaterThanOrEqual(9);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length);
    expect(rows.every((r) => r.role === 'data_scientist')).toBe(true);
    expect(rows).toContainEqual(expect.objectContaining({ action: 'POST /v1/datasets/{name}/versions', target: 'datasets/iris/versions/2', status: 201 }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'DELETE /v1/datasets/{name}', target: 'datasets/scratch', status: 200 }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'POST /v1/datasets/{name}/versions', target: 'datasets/broken', status: 422 }));
  });
});
