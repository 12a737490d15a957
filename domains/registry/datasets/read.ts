// Reading chosen columns of a stored dataset version into memory (for training): CSV parsed as it
// streams from storage, Parquet one row group at a time over ranged reads.
import { parse } from 'csv-parse';
import { eachRowGroup } from '../../../lib/datasets/parquet.ts';
import type { Cell } from '../../../lib/datasets/profile.ts';
import type { ObjectStorage } from '../../../lib/storage/index.ts';
import type { DatasetVersionRow } from '../sql/datasets.ts';
import { storedFile } from './store.ts';

export class DatasetUnavailable extends Error {
  override name = 'DatasetUnavailable';
}

/** The named columns, each as an array of cells, in file order. */
export async function readColumns(storage: ObjectStorage, version: DatasetVersionRow, names: string[]): Promise<Map<string, Cell[]>> {
  const label = `${version.dataset} v${version.version}`;
  if (!version.objectKey || !version.format) throw new DatasetUnavailable(`${label} was recorded before datasets were stored; it has no file to read`);
  if (version.purgedAt) throw new DatasetUnavailable(`${label} was purged on ${version.purgedAt.toISOString()}`);
  const out = new Map(names.map((n) => [n, [] as Cell[]]));
  if (version.format === 'parquet') {
    await eachRowGroup(
      storedFile(storage, version.objectKey, version.sizeBytes ?? 0),
      (rows) => {
        for (const r of rows) names.forEach((n, i) => out.get(n)!.push(r[i]));
      },
      names,
    );
    return out;
  }
  const parser = (await storage.get(version.objectKey)).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: false }));
  let positions: number[] | undefined;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (!positions) {
      const header = record.map((h) => h.trim());
      positions = names.map((n) => header.indexOf(n));
      const missing = names.filter((_, i) => positions![i] < 0);
      if (missing.length) throw new DatasetUnavailable(`${label} has no column ${missing.map((m) => `"${m}"`).join(', ')}`);
      continue;
    }
    for (let i = 0; i < names.length; i++) out.get(names[i])!.push(record[positions[i]]);
  }
  return out;
}
