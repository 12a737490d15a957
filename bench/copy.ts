// Benchmark: 1M bronze-shaped rows (device, timestamp, 9 doubles, session) through the COPY writer,
// against psql's \copy of the same rows from a file and multi-row INSERTs of 1,000 rows, on one
// server in one run. Every side loads into an empty table over a connection opened before the
// clock starts, after one untimed warm-up round; every load is checked (row count and a checksum of
// the rows) against psql's load of a file written by a plain formatter, not ours.
// Usage: npx tsx bench/copy.ts [rows]   (DATABASE_URL to use your own server)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyRows } from '../lib/db/copy.ts';
import { createPool, withTransaction, type Pool } from '../lib/db/pool.ts';
import { seededRandom } from '../lib/random.ts';
import { repeated, verify, writeBenchResult } from './report.ts';
import { benchDatabase, tableContents } from './support/database.ts';
import { openPsql } from './support/psql.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const INSERT_ROWS = Math.min(ROWS, 200_000);
const REPEATS = 5;
const columns = ['device_id', 'ts', 'ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz', 'session_id'];
type Row = [string, Date, number, number, number, number, number, number, number, number, number, string];

function makeRows(n: number): Row[] {
  const { next: random } = seededRandom(42);
  const start = Date.UTC(2026, 10, 23);
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const device = i % 32;
    const g = () => Math.round((random() * 8 - 4) * 1e6) / 1e6;
    rows[i] = [
      `device-${String(device).padStart(3, '0')}`,
      new Date(start + Math.floor(i / 32) * 20),
      g(),
      g(),
      g() + 9.81,
      g(),
      g(),
      g(),
      g() * 10,
      g() * 10,
      g() * 10,
      `session-${device}-${Math.floor(i / 32 / 3000)}`,
    ];
  }
  return rows;
}

/** A number as JavaScript prints it, except that negative zero keeps its sign (String(-0) is "0"; the rows hold some -0s, and float8 stores the sign). */
const plainNumber = (v: number | string) => (Object.is(v, -0) ? '-0' : String(v));

/** COPY text by the plainest formatter (ISO dates, JavaScript's own number strings): the reference the writer is checked against. */
function plainTsv(rows: Row[]): string {
  return rows.map(([device, ts, ...rest]) => `${device}\t${ts.toISOString()}\t${rest.map(plainNumber).join('\t')}\n`).join('');
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function reset(pool: Pool): Promise<void> {
  await pool.query('TRUNCATE bench_readings');
  await pool.query('CHECKPOINT');
}

async function main() {
  const db = await benchDatabase('copy');
  const pool = createPool(db.url, { applicationName: 'bench-copy', max: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-copy-'));
  const psql = await openPsql(db.url);
  try {
    await pool.query(`DROP TABLE IF EXISTS bench_readings;
      CREATE TABLE bench_readings (device_id text NOT NULL, ts timestamptz NOT NULL,
        ax float8, ay float8, az float8, gx float8, gy float8, gz float8, mx float8, my float8, mz float8, session_id text)`);
    console.log(`generating ${ROWS.toLocaleString()} rows…`);
    const rows = makeRows(ROWS);
    const file = join(dir, 'rows.tsv');
    writeFileSync(file, plainTsv(rows));
    const insertFile = join(dir, 'insert-rows.tsv');
    writeFileSync(insertFile, plainTsv(rows.slice(0, INSERT_ROWS)));

    // What each load must leave: psql's load of the plain files.
    await reset(pool);
    await psql.copyFrom('bench_readings', columns, insertFile);
    const expectedInsert = await tableContents(pool, 'bench_readings');
    await reset(pool);
    await psql.copyFrom('bench_readings', columns, file);
    const expected = await tableContents(pool, 'bench_readings');
    verify(expected.startsWith(`${ROWS} rows`), `psql loaded ${expected}, expected ${ROWS} rows`);

    const writer: number[] = [];
    const anchor: number[] = [];
    const insert: number[] = [];
    for (let r = 0; r <= REPEATS; r++) {
      await reset(pool);
      const w = await timed(async () => {
        await withTransaction(pool, (client) => copyRows(client, { table: 'bench_readings', columns }, rows).then(() => {}));
      });
      const loaded = await tableContents(pool, 'bench_readings');
      verify(loaded === expected, `the COPY writer loaded ${loaded}; psql loaded ${expected} from the same rows`);
      await reset(pool);
      const p = await psql.copyFrom('bench_readings', columns, file);
      verify((await tableContents(pool, 'bench_readings')) === expected, 'psql loaded different rows from the same file');
      await reset(pool);
      const i = await timed(() => insertRows(pool, rows.slice(0, INSERT_ROWS)));
      const inserted = await tableContents(pool, 'bench_readings');
      verify(inserted === expectedInsert, `INSERT loaded ${inserted}; psql loaded ${expectedInsert} from the same rows`);
      const label = r === 0 ? 'warm-up' : `round ${r}`;
      console.log(`  ${label}: writer ${w.toFixed(2)} s, psql ${p.toFixed(2)} s, INSERT (${INSERT_ROWS.toLocaleString()} rows) ${i.toFixed(2)} s`);
      if (r === 0) continue;
      writer.push(ROWS / w);
      anchor.push(ROWS / p);
      insert.push(INSERT_ROWS / i);
    }

    const ours = repeated(writer);
    const theirs = repeated(anchor);
    const inserts = repeated(insert);
    const ratio = ours.value / theirs.value;
    writeBenchResult({
      id: 'copy',
      title: 'COPY writer vs psql \\copy vs multi-row INSERT',
      reproduce: 'npx tsx bench/copy.ts',
      workload: `${ROWS.toLocaleString()} bronze-shaped rows (text device, timestamptz, 9 float8, text session) into an empty table; ${REPEATS} rounds after a warm-up round, each side over a connection opened before timing (psql: one session, each \\copy timed until it reports done); INSERT on the first ${INSERT_ROWS.toLocaleString()} rows, 1,000 rows per statement; embedded PostgreSQL ${db.version}, default durability`,
      figures: [
        { name: 'COPY writer (lib/db/copy.ts)', ...ours, unit: 'rows/s', ratio, goal: '≥0.9× psql', met: ratio >= 0.9 },
        { name: 'psql \\copy from a file (anchor)', ...theirs, unit: 'rows/s', ratio: 1 },
        { name: 'multi-row INSERT, 1,000 rows/statement', ...inserts, unit: 'rows/s', ratio: inserts.value / theirs.value },
      ],
      notes: [
        `Every load was checked: the writer's and INSERT's tables hold the same ${ROWS.toLocaleString()} (and ${INSERT_ROWS.toLocaleString()}) rows, by count and a checksum of every row, as psql's load of a file written with ISO dates and JavaScript's own number strings.`,
        'The writer formats JS values (Dates, numbers, strings) into COPY text in the same process; psql only streams a prepared file.',
        "Doubles with at most six decimals (here ax, ay, gx, gy, gz and some of the rest) are written by a digit loop; the others by V8's shortest round-trip form.",
      ],
    });
  } finally {
    await psql.close();
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
    await db.stop();
  }
}

async function insertRows(pool: Pool, rows: Row[]): Promise<void> {
  const width = columns.length;
  const placeholders = (n: number) =>
    Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`).join(',');
  const full = `INSERT INTO bench_readings (${columns.join(', ')}) VALUES ${placeholders(1000)}`;
  await withTransaction(pool, async (client) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      const text = batch.length === 1000 ? full : `INSERT INTO bench_readings (${columns.join(', ')}) VALUES ${placeholders(batch.length)}`;
      await client.query({ text, values: batch.flat(), name: batch.length === 1000 ? 'bench-insert' : undefined });
    }
  });
}

await main();
