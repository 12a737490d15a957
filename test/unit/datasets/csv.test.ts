// CSV checking and profiling as it streams: every refusal names its line, column and reason, and
// the statistics are those of the rows that passed.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { CsvProfiler, DatasetFileError } from '../../../lib/datasets/csv.ts';

async function profile(text: string | Buffer, chunk = 7) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const p = new CsvProfiler();
  let passed = 0;
  await pipeline(Readable.from(pieces), p, new Writable({ write: (c: Buffer, _e, cb) => ((passed += c.length), cb()) }));
  expect(passed).toBe(bytes.length);
  return p.profile!;
}

async function refusal(text: string | Buffer): Promise<DatasetFileError> {
  try {
    await profile(text);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetFileError);
    return e as DatasetFileError;
  }
  throw new Error('the file was accepted');
}

describe('CsvProfiler', () => {
  it('passes the bytes through unchanged, split anywhere, and counts the rows', async () => {
    const p = await profile('a,b\n1,"x, y"\n2,"multi\nline"\n\n3,z\n', 3);
    expect(p.rows).toBe(3);
    expect(p.preview).toEqual([
      ['1', 'x, y'],
      ['2', 'multi\nline'],
      ['3', 'z'],
    ]);
  });

  it('keeps a multi-byte character split across chunks', async () => {
    const p = await profile('name\nZoë\nJosé\n', 5);
    expect(p.stats()[0]).toMatchObject({ type: 'text', distinct: 2, min: 'José', max: 'Zoë' });
  });

  it.each([
    ['a,b\n1,2\n3\n', 3, 2, 'b', /missing/],
    ['a,b\n1,2,3\n', 2, 3, undefined, /the header only 2 columns/],
    ['a,b\n1,"x"y\n', 2, 2, 'b', /quoted value is followed/],
    ['a,b\n1,2\n3,"never closed\n4,5\n', 3, 2, 'b', /never closed/],
    ['a,b\n1,x"y\n', 2, 2, 'b', /quote appears inside/],
    ['a,,c\n1,2,3\n', 1, 2, undefined, /no name/],
    ['a,b,a\n1,2,3\n', 1, 3, undefined, /"a" twice \(also column 1\)/],
  ])('refuses %j at line %i, column %i', async (text, line, column, name, reason) => {
    const e = await refusal(text);
    expect(e.line).toBe(line);
    expect(e.column).toEqual({ index: column, name });
    expect(e.reason).toMatch(reason);
  });

  it('refuses text that is not UTF-8, naming the line', async () => {
    const e = await refusal(Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/not UTF-8/);
  });

  it('refuses an empty file and a header with no rows', async () => {
    expect((await refusal('')).reason).toMatch(/empty/);
    expect((await refusal('a,b\n')).reason).toMatch(/no rows/);
  });
});
