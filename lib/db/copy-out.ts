// Streams a query's rows out of PostgreSQL with COPY … TO STDOUT (text format), for steps that read
// millions of rows: no per-row protocol overhead, and rows arrive as they are produced.
import { StringDecoder } from 'node:string_decoder';
import { to as copyTo } from 'pg-copy-streams';
import type { PoolClient } from './pool.ts';

function unescape(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\' })[c] ?? c);
}

/**
 * Yields each row as an array of text fields (null for NULL). `query` is a SELECT with no bind
 * parameters (COPY takes none): build it with pg.escapeLiteral for any value.
 */
export async function* copyOutRows(client: PoolClient, query: string): AsyncGenerator<(string | null)[]> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  // A chunk may end inside a multi-byte character: the decoder holds it back for the next one.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) yield line.split('\t').map(unescape);
  }
  rest += decoder.end();
  if (rest) yield rest.split('\t').map(unescape);
}
