// Benchmark: 1M bronze-shaped rows (device, timestamp, 9 doubles, session) through the COPY writer,
// against psql's \copy of the same rows from a file and multi-row INSERTs of 1,000 rows, on one
// server in one run. Usage: npx tsx bench/copy.ts [rows]   (DATABASE_URL to use your own server)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyRows } from '../lib/db/copy.ts';
import { rowFormatter } from '../lib/db/copy-format.ts';
import { createPool, withTransaction, type Pool } from '../lib/db/pool.ts';
import { seededRandom } from '../lib/random.ts';
import { writeBenchResult } from './report.ts';
import { benchDatabase } from './support/database.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const INSERT_ROWS = Math.min(ROWS, 200_000);
const REPEATS = 3;
const columns = ['device_id', 'ts', 'ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz', 'session_id'];

function makeRows(n: number): unknown[][] {
  const { next: random } = seededRandom(42);
  const start = Date.UTC(2026, 10, 23);
  const rows: unknown[][] = new Array(n);
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

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function reset(pool: Pool): Promise<void> {
  await pool.query('TRUNCATE bench_readings');
  await pool.query('CHECKPOINT');
}

async function main() {
  const db = await benchDatabase('copy');
  const pool = createPool(db.url, { applicationName: 'bench-copy', max: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-copy-'));
  try {
    await pool.query(`DROP TABLE IF EXISTS bench_readings;
      CREATE TABLE bench_readings (device_id text NOT NULL, ts timestamptz NOT NULL,
        ax float8, ay float8, az float8, gx float8, gy float8, gz float8, mx float8, my float8, mz float8, session_id text)`);
    console.log(`generating ${ROWS.toLocaleString()} rows…`);
    const rows = makeRows(ROWS);
    const file = join(dir, 'rows.tsv');
    const format = rowFormatter(columns);
    writeFileSync(file, rows.map(format).join(''));

    const writer: number[] = [];
    const psql: number[] = [];
    const insert: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await reset(pool);
      writer.push(
        await timed(async () => {
          await withTransaction(pool, (client) => copyRows(client, { table: 'bench_readings', columns }, rows).then(() => {}));
        }),
      );
      await reset(pool);
      psql.push(
        await timed(async () => {
          execFileSync('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy bench_readings (${columns.join(', ')}) from '${file}'`]);
        }),
      );
      await reset(pool);
      insert.push(await timed(() => insertRows(pool, rows.slice(0, INSERT_ROWS))));
      console.log(
        `  round ${r + 1}: writer ${writer[r]!.toFixed(2)} s, psql ${psql[r]!.toFixed(2)} s, INSERT (${INSERT_ROWS.toLocaleString()} rows) ${insert[r]!.toFixed(2)} s`,
      );
    }
    const { rows: count } = await pool.query('SELECT count(*)::int AS n FROM bench_readings');
    if (count[0].n !== INSERT_ROWS) throw new Error(`expected ${INSERT_ROWS} rows after INSERT, found ${count[0].n}`);

    const writerRate = ROWS / median(writer);
    const psqlRate = ROWS / median(psql);
    const insertRate = INSERT_ROWS / median(insert);
    const ratio = writerRate / psqlRate;
    writeBenchResult({
      id: 'copy',
      title: 'COPY writer vs psql \\copy vs multi-row INSERT',
      reproduce: 'npx tsx bench/copy.ts',
      workload: `${ROWS.toLocaleString()} bronze-shaped rows (text device, timestamptz, 9 float8, text session) into an empty table, median of ${REPEATS} rounds; INSERT on the first ${INSERT_ROWS.toLocaleString()} rows, 1,000 rows per statement; embedded PostgreSQL ${db.version}, default durability`,
      figures: [
        { name: 'COPY writer (lib/db/copy.ts)', value: writerRate, unit: 'rows/s', ratio, goal: '≥0.9× psql', met: ratio >= 0.9 },
        { name: 'psql \\copy from a file (anchor)', value: psqlRate, unit: 'rows/s', ratio: 1 },
        { name: 'multi-row INSERT, 1,000 rows/statement', value: insertRate, unit: 'rows/s', ratio: insertRate / psqlRate },
      ],
      notes: [
        'The writer formats JS values (Dates, numbers, strings) into COPY text in the same process; psql only streams a prepared file.',
        "Doubles with at most six decimals (here ax, ay, gx, gy, gz and some of the rest) are written by a digit loop; the others by V8's shortest round-trip form.",
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
    await db.stop();
  }
}

async function insertRows(pool: Pool, rows: unknown[][]): Promise<void> {
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
