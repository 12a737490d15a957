// Parquet files for tests, written by pyarrow (test/support/parquet_writer.py) rather than by the
// reader's own library, so the import is checked against the files real Python code writes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const writer = fileURLToPath(new URL('./parquet_writer.py', import.meta.url));

export type ParquetType = 'int32' | 'int64' | 'float64' | 'string' | 'bool';

export function writeParquet(
  path: string,
  columns: [string, ParquetType][],
  data: Record<string, unknown[]>,
  options: { compression?: 'snappy' | 'zstd' | 'gzip' | 'none'; rowGroupSize?: number } = {},
): void {
  const input = JSON.stringify({ path, columns, data, compression: options.compression ?? 'snappy', row_group_size: options.rowGroupSize ?? null });
  try {
    execFileSync('python3', [writer], { input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`pyarrow could not write ${path} (pip install -r test/requirements.txt): ${String((e as { stderr?: Buffer }).stderr ?? e)}`, { cause: e });
  }
}
