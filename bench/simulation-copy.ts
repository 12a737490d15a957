// Benchmark: 100,000 simulated tournaments of the sample field (6.4M rows: tournament, simulation,
// team, wins, round out) simulated and COPY-loaded the way the simulate step does it (same batches,
// same writer), against psql's \copy of exactly those rows from a file prepared beforehand. Both
// sides over a connection opened before timing, one untimed warm-up round each, and every load
// checked (row count and a checksum of the rows) against the other.
// Usage: npx tsx bench/simulation-copy.ts [simulations]   (DATABASE_URL to use your own server)
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { copyBatches } from '../lib/db/copy.ts';
import { createPool, withTransaction, type Pool } from '../lib/db/pool.ts';
import { bracketOrder, DEFAULT_GAME_MODEL, probabilityMatrix, sampleTournament } from '../lib/tournament/index.ts';
import { OUTCOME_COLUMNS, outcomeBatches } from '../lib/tournament/outcome-rows.ts';
import { repeated, verify, writeBenchResult } from './report.ts';
import { benchDatabase, tableContents } from './support/database.ts';
import { openPsql } from './support/psql.ts';

const SIMULATIONS = Number(process.argv[2] ?? 100_000);
const REPEATS = 3;
const GOAL = 1.3;

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function reset(pool: Pool) {
  await pool.query('TRUNCATE bench_outcomes');
  await pool.query('CHECKPOINT');
}

async function main() {
  const sample = sampleTournament(2026);
  const options = {
    tournament: sample.tournament.key,
    bracket: bracketOrder(sample.teams),
    p: probabilityMatrix(
      DEFAULT_GAME_MODEL,
      sample.teams.map((t) => t.rating),
    ),
    keys: sample.teams.map((t) => t.key),
    seed: 7,
    from: 0,
    to: SIMULATIONS,
  };
  const rows = SIMULATIONS * sample.teams.length;
  const db = await benchDatabase('simulation_copy');
  const pool = createPool(db.url, { applicationName: 'bench-simulation-copy', max: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-simcopy-'));
  const psql = await openPsql(db.url);
  try {
    await pool.query(`DROP TABLE IF EXISTS bench_outcomes;
      CREATE TABLE bench_outcomes (tournament_key text NOT NULL, simulation integer NOT NULL, team_key text NOT NULL, wins smallint NOT NULL, eliminated_round smallint NOT NULL)`);
    console.log(`writing ${rows.toLocaleString('en-US')} rows to a file for psql…`);
    const file = join(dir, 'outcomes.tsv');
    const out = createWriteStream(file);
    // Plain tab-separated text (the values are keys and whole numbers), not the writer's formatter.
    for (const batch of outcomeBatches(options)) if (!out.write(batch.map((row) => `${row.join('\t')}\n`).join(''))) await once(out, 'drain');
    out.end();
    await once(out, 'finish');

    await reset(pool);
    await psql.copyFrom('bench_outcomes', OUTCOME_COLUMNS, file);
    const expected = await tableContents(pool, 'bench_outcomes');
    verify(expected.startsWith(`${rows} rows`), `psql loaded ${expected}, expected ${rows} rows`);

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r <= REPEATS; r++) {
      await reset(pool);
      const o = await timed(() =>
        withTransaction(pool, (client) => copyBatches(client, { table: 'bench_outcomes', columns: OUTCOME_COLUMNS }, outcomeBatches(options))).then(() => {}),
      );
      const loaded = await tableContents(pool, 'bench_outcomes');
      verify(loaded === expected, `simulate + COPY writer loaded ${loaded}; psql loaded ${expected} from the file of the same simulations`);
      await reset(pool);
      const p = await psql.copyFrom('bench_outcomes', OUTCOME_COLUMNS, file);
      verify((await tableContents(pool, 'bench_outcomes')) === expected, 'psql loaded different rows from the same file');
      console.log(`  ${r === 0 ? 'warm-up' : `round ${r}`}: simulate + COPY writer ${o.toFixed(2)} s, psql \\copy ${p.toFixed(2)} s`);
      if (r === 0) continue;
      ours.push(o);
      theirs.push(p);
    }
    const oursTime = repeated(ours);
    const psqlTime = repeated(theirs);
    const ratio = oursTime.value / psqlTime.value;
    writeBenchResult({
      id: 'simulation-copy',
      title: `Tournament simulations into bronze: ${SIMULATIONS.toLocaleString('en-US')} brackets (${rows.toLocaleString('en-US')} rows)`,
      reproduce: 'npx tsx bench/simulation-copy.ts',
      workload:
        `the 64-team sample field, ${SIMULATIONS.toLocaleString('en-US')} simulations generated in batches of 10,000 rows and COPY-written in one transaction ` +
        `(the simulate step's code path), vs psql \\copy of the same rows from a prepared file; empty table, ${REPEATS} rounds after a warm-up round, each side over a connection opened before timing (psql: one session, each \\copy timed until it reports done); PostgreSQL ${db.version}`,
      figures: [
        { name: 'simulate + COPY writer (time)', ...oursTime, unit: 's', ratio, goal: `≤${GOAL}× psql \\copy`, met: ratio <= GOAL },
        { name: 'psql \\copy from a file (anchor, time)', ...psqlTime, unit: 's', ratio: 1 },
        { name: 'simulate + COPY writer (rows)', ...repeated(ours.map((t) => rows / t)), unit: 'rows/s' },
      ],
      notes: [
        `Every load was checked: ours and psql's each left the same ${rows.toLocaleString('en-US')} rows (count and a checksum of every row).`,
        'Ours includes simulating the brackets and formatting every row; psql only streams a file written before the clock started.',
      ],
    });
  } finally {
    await psql.close();
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
    await db.stop();
  }
}

await main();
